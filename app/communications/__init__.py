"""What organisers say to their participants beyond the fixed emails: their own texts per event."""

"""The public pages that span several domains, composed above them as ``api.py`` composes routers:
the event page (agenda, places left, working groups), the registration form with its breakout
choices, and its thank-you page. They call the domains' services directly; no domain knows them."""

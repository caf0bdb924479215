"""The message texts' API shapes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from app.communications.mailing_schemas import Body, Subject
from app.notifications.messages import Message


class TextWrite(BaseModel):
    """A message's text: the subject (one line) and the body (Markdown), both with placeholders."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "subject": "See you soon at {{ event.title }}",
                    "body": "Dear {{ participant.first_name }},\n\nYour seat is confirmed.\n\n[Your page]({{ links.manage }})\n",
                }
            ]
        },
    )

    subject: Subject
    body: Body


class Preview(BaseModel):
    subject: str
    text: str
    html: str


class TextRead(BaseModel):
    message: Message
    subject: str
    body: str
    customised: bool  # False: the default text, which DELETE restores
    placeholders: list[str]  # what {{ ... }} may name in this message
    preview: Preview  # rendered for a sample participant

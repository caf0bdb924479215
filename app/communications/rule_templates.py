"""The templates a scheduled rule starts from: a name, a default subject and Markdown body (the
participants' placeholders), an audience and a time relative to the event. Plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import Literal

Anchor = Literal["start", "end"]
LINK = "{link}"  # where a template that asks for a link puts it (the slides of a thank-you)


@dataclass(frozen=True)
class RuleTemplate:
    key: str
    name: str
    description: str
    subject: str
    body: str
    audience: dict = field(default_factory=dict)  # a mailing's filters (app.communications.mailing_schemas.Audience)
    anchor: Anchor = "start"
    offset_days: int = 0  # negative: before
    send_time: time = time(9, 0)
    link_label: str | None = None  # the template asks for a link (put where ``{link}`` is in the body)

    def body_with(self, link: str | None) -> str:
        return self.body.replace(LINK, link or "")


TEMPLATES: dict[str, RuleTemplate] = {
    template.key: template
    for template in (
        RuleTemplate(
            key="reminder",
            name="Reminder a week before",
            description="To the confirmed participants, 7 days before the event starts, at 09:00 on the venue's clock.",
            subject="{{ event.title }} is a week away",
            body="Dear {{ participant.first_name }},\n\n**{{ event.title }}** is a week away.\n\n"
            "When: {{ event.when }}{% if event.where %}  \nWhere: {{ event.where }}{% endif %}\n\n"
            "[Your registration page]({{ links.manage }}) has your check-in code. If you can no longer come, "
            "please cancel there, so that someone on the waiting list can take your seat.\n",
            audience={"status": ["confirmed"]},
            anchor="start",
            offset_days=-7,
            send_time=time(9, 0),
        ),
        RuleTemplate(
            key="practical",
            name="Practical information",
            description="To the confirmed participants, 2 days before the event starts, at 10:00 on the venue's clock.",
            subject="Practical information for {{ event.title }}",
            body="Dear {{ participant.first_name }},\n\nWe look forward to seeing you at **{{ event.title }}**.\n\n"
            "- When: {{ event.when }}\n{% if event.where %}- Where: {{ event.where }}\n{% endif %}"
            "- Getting there: (write how to reach the venue)\n"
            "- At the door: show the check-in code on [your registration page]({{ links.manage }})\n",
            audience={"status": ["confirmed"]},
            anchor="start",
            offset_days=-2,
            send_time=time(10, 0),
        ),
        RuleTemplate(
            key="thank_you",
            name="Thank-you with the slides",
            description="To the participants who were checked in, 1 day after the event ends, at 10:00 on the "
            "venue's clock, with the link to the slides.",
            subject="Thank you for coming to {{ event.title }}",
            body="Dear {{ participant.first_name }},\n\nThank you for taking part in **{{ event.title }}**.\n\n"
            f"The slides are online: [the slides]({LINK})\n",
            audience={"status": ["confirmed"], "attendance": "checked_in"},
            anchor="end",
            offset_days=1,
            send_time=time(10, 0),
            link_label="Link to the slides",
        ),
    )
}

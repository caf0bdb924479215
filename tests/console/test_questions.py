"""Custom questions in the console: add (bad input refused), edit, reorder, remove."""

from __future__ import annotations

from sqlalchemy import select

from app.registration.models import Question
from tests.console.conftest import post_form, sign_in


def _questions(db) -> list[tuple[str, str, list[str], bool]]:
    with db.transaction(write=False) as session:
        rows = session.execute(select(Question).order_by(Question.position, Question.id)).scalars().all()
        return [(q.key, q.label, q.options, q.required) for q in rows]


def test_add_edit_reorder_and_remove_questions(client, db, cast, console_event):
    event, _ = console_event
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/questions"
    added = post_form(
        client,
        page,
        page,
        {"label": "Dietary needs?", "kind": "single_choice", "options": "none\nvegetarian\nvegan", "required": "yes"},
    )
    assert added.status_code == 303
    post_form(client, page, page, {"label": "Arriving by train?", "kind": "yes_no"})
    assert _questions(db) == [
        ("dietary_needs", "Dietary needs?", ["none", "vegetarian", "vegan"], True),
        ("arriving_by_train", "Arriving by train?", [], False),
    ]
    with db.transaction(write=False) as session:
        train = session.execute(select(Question.id).where(Question.key == "arriving_by_train")).scalar_one()
    post_form(client, page, f"{page}/{train}/up", {})
    assert [key for key, *_ in _questions(db)] == ["arriving_by_train", "dietary_needs"]
    post_form(client, f"{page}/{train}", f"{page}/{train}", {"label": "Coming by train?"})
    assert _questions(db)[0][1] == "Coming by train?"
    post_form(client, page, f"{page}/{train}/delete", {})
    assert [key for key, *_ in _questions(db)] == ["dietary_needs"]
    # The public form asks it.
    assert "Dietary needs?" in client.get(f"/events/{event.slug}/register").text


def test_bad_questions_are_refused_next_to_their_field(client, db, cast, console_event):
    event, _ = console_event
    sign_in(client, cast.organiser)
    page = f"/manage/events/{event.slug}/questions"
    one_choice = post_form(client, page, page, {"label": "Pick", "kind": "single_choice", "options": "only"})
    assert one_choice.status_code == 422 and 'id="f-options-error"' in one_choice.text
    assert "at least two options" in one_choice.text
    no_label = post_form(client, page, page, {"label": "", "kind": "text"})
    assert no_label.status_code == 422 and 'id="f-label-error"' in no_label.text
    bad_key = post_form(client, page, page, {"label": "Fine", "kind": "text", "key": "Not a key!"})
    assert bad_key.status_code == 422 and 'id="f-key-error"' in bad_key.text
    post_form(client, page, page, {"label": "Diet", "kind": "text"})
    twice = post_form(client, page, page, {"label": "Diet", "kind": "text"})
    assert twice.status_code == 422 and "already has a question" in twice.text
    assert len(_questions(db)) == 1

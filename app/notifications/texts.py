"""Message texts written in Markdown with placeholders: the defaults of ``email_templates/*.md`` and
the organisers' own per event (:class:`MessageText`).

A text is a subject line and a Markdown body naming placeholders (``{{ participant.first_name }}``,
``{{ links.manage }}``, ``{% if participant.status == "waitlisted" %}...{% endif %}``). It is
checked before it is stored: it must parse, name only the message's placeholders, and use nothing
but placeholders, filters from a short list, ``if`` and ``for`` over a list the message has
(``{% for group in breakout.groups %}``), so it cannot loop on its own, compute or reach anything (and it renders in Jinja's immutable sandbox besides). The plain-text part and the HTML
part both come from the one source: the HTML through markdown-it (raw HTML off) and nh3, with the
placeholders' values escaped for Markdown so a participant's name cannot become a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nh3
from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markdown_it import MarkdownIt

from app.core.errors import InvalidInput
from app.notifications.messages import EDITABLE, SAMPLE_LINKS, Message, RegistrationProps, sample_props

DEFAULTS_DIR = Path(__file__).resolve().parents[2] / "email_templates"
MAX_SUBJECT = 300
MAX_BODY = 20_000
FILTERS = frozenset({"upper", "lower", "title", "capitalize", "trim", "default"})
_ALLOWED = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Getattr,
    nodes.Const,
    nodes.If,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.CondExpr,
    nodes.Filter,
    nodes.Test,
    nodes.For,
)
_TESTS = frozenset({"none", "defined", "number", "string"})
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr", "h1", "h2", "h3", "h4"}


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


@dataclass(frozen=True)
class RenderedText:
    subject: str
    text: str
    html: str


class TextProblem(InvalidInput):
    title = "Text not accepted"


def default_text(message: Message) -> Text:
    """The shipped text: ``email_templates/{message}.md``, its first line the subject, a blank line,
    then the body."""
    subject, _, body = (DEFAULTS_DIR / f"{message.value}.md").read_text().partition("\n\n")
    return Text(subject.strip(), body.strip() + "\n")


# The plain text marks each value it prints, so that deriving the text from the Markdown (links
# written out, bold markers dropped) changes what the organiser wrote, never a participant's name.
_START, _END = "\ue000", "\ue001"
_VALUE = re.compile(f"{_START}(.*?){_END}", re.S)
_TOKEN = re.compile(f"{_START}(\\d+){_END}")


def _plain(value: object) -> object:
    return "" if value is None else f"{_START}{value}{_END}"


def _escaped(value: object) -> object:
    return "" if value is None else _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))


@lru_cache
def _environment(*, markdown: bool) -> ImmutableSandboxedEnvironment:
    # Values printed into the Markdown of the HTML part are escaped for Markdown; the plain text shows them as they are.
    environment = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_escaped if markdown else _plain,
    )
    return environment


@lru_cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = lambda url: url.lower().startswith(("http://", "https://", "mailto:"))  # type: ignore[method-assign]
    return md


def placeholder_names(message: Message) -> list[str]:
    """The placeholders ``message`` knows, as written in a text: ``participant.first_name``..."""
    return sorted(_paths(sample_props(message).placeholders(SAMPLE_LINKS)))


def _lists(namespace: dict, prefix: str = "") -> set[str]:
    names = set()
    for key, value in namespace.items():
        if isinstance(value, dict):
            names |= _lists(value, f"{prefix}{key}.")
        elif isinstance(value, list):
            names.add(f"{prefix}{key}")
    return names


def _paths(namespace: dict, prefix: str = "") -> set[str]:
    names = set()
    for key, value in namespace.items():
        names |= _paths(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}"}
    return names


def _dotted(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        parent = _dotted(node.node)
        return f"{parent}.{node.attr}" if parent else None
    return None


def _check_nodes(tree: nodes.Template, known: set[str], lists: set[str], field: str) -> None:
    # ``participant`` in ``participant.first_name`` is checked as part of the whole name.
    inner = {id(getattr_.node) for getattr_ in tree.find_all(nodes.Getattr)}
    known = set(known)
    for loop in tree.find_all(nodes.For):
        if not isinstance(loop.target, nodes.Name) or _dotted(loop.iter) not in lists or loop.test or loop.else_:
            raise TextProblem(
                f"line {loop.lineno}: a loop goes over a list of the message ({', '.join(sorted(lists)) or 'none'}): "
                "{% for item in list %}...{% endfor %}",
                field=field,
            )
        known.add(loop.target.name)  # the loop's variable, as a placeholder of its own
    for node in tree.find_all(nodes.Node):
        line = getattr(node, "lineno", None)
        if not isinstance(node, _ALLOWED):
            raise TextProblem(
                f"line {line}: only placeholders such as {{{{ participant.first_name }}}}, filters and "
                f"{{% if %}} are allowed here, not {type(node).__name__.lower()}",
                field=field,
            )
        if isinstance(node, nodes.Filter) and node.name not in FILTERS:
            raise TextProblem(
                f"line {line}: unknown filter {node.name!r}; use one of {', '.join(sorted(FILTERS))}", field=field
            )
        if isinstance(node, nodes.Test) and node.name not in _TESTS:
            raise TextProblem(f"line {line}: unknown test {node.name!r}", field=field)
        if isinstance(node, nodes.Name | nodes.Getattr) and id(node) not in inner:
            name = _dotted(node)
            if name is None:
                raise TextProblem(
                    f"line {line}: write a placeholder as a plain name, e.g. participant.first_name", field=field
                )
            if name not in known:
                raise TextProblem(
                    f"line {line}: unknown placeholder {{{{ {name} }}}}; this message knows {', '.join(sorted(known))}",
                    field=field,
                )


def check_text(message: Message, text: Text) -> None:
    """Refuse (422 naming the field and the line) a text that does not parse, names an unknown
    placeholder, uses more than placeholders and ``if``, or does not render for a sample participant."""
    if message not in EDITABLE and message is not Message.mailing:
        raise InvalidInput(f"the text of {message.value} cannot be changed per event", field="message")
    namespace = sample_props(message).placeholders(SAMPLE_LINKS)
    known, lists = _paths(namespace), _lists(namespace)
    for field, source, limit in (("subject", text.subject, MAX_SUBJECT), ("body", text.body, MAX_BODY)):
        if not source.strip():
            raise InvalidInput(f"the {field} is empty", field=field)
        if len(source) > limit:
            raise InvalidInput(f"the {field} has more than {limit:,} characters", field=field)
        if field == "subject" and "\n" in source.strip():
            raise InvalidInput("the subject is one line", field=field)
        try:
            tree = _environment(markdown=False).parse(source)
        except TemplateSyntaxError as error:
            raise TextProblem(f"line {error.lineno}: {error.message}", field=field) from None
        _check_nodes(tree, known, lists, field)
    try:
        render_text(text, sample_props(message), SAMPLE_LINKS)
    except Exception as error:  # any failure for the sample participant refuses the text, saying why
        raise TextProblem(f"the text does not render: {type(error).__name__}: {error}", field="body") from None


def _as_plain_text(marked: str) -> str:
    """The Markdown as the plain-text part: links written out ("label: address"), no bold markers;
    the values printed in it (marked by ``_plain``) are left as they are."""
    values: list[str] = []

    def shield(match: re.Match) -> str:
        values.append(match.group(1))
        return f"{_START}{len(values) - 1}{_END}"

    def restore(shielded: str) -> str:
        return _TOKEN.sub(lambda match: values[int(match.group(1))], shielded)

    def written_out(match: re.Match) -> str:
        label, address = restore(match.group(1)), restore(match.group(2))
        return address if label == address else f"{label}: {address}"

    return restore(_LINK.sub(written_out, _STRONG.sub(r"\1", _VALUE.sub(shield, marked))))


def render_text(text: Text, props: RegistrationProps, links: dict[str, str]) -> RenderedText:
    namespace = props.placeholders(links)
    subject = _environment(markdown=False).from_string(text.subject).render(namespace)
    body = _environment(markdown=False).from_string(text.body).render(namespace)
    marked = _environment(markdown=True).from_string(text.body).render(namespace)
    html = nh3.clean(_markdown().render(marked), tags=_TAGS, attributes={"a": {"href"}})
    return RenderedText(
        subject=" ".join(_VALUE.sub(r"\1", subject).split()),
        text=_as_plain_text(body).strip() + "\n",
        html=html.strip(),
    )

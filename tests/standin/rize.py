"""Rize's GraphQL API as the stand-in serves it: POST /api/v1/graphql, the same answers for the same user and day.

A weekday has two to four focus sessions, a meeting and a break between 07:00 and 20:00 UTC;
weekends have no sessions. Every day adds some work outside sessions (messaging, browsing). The
day buckets and the categories of ``summaries`` add up from those, in seconds. The query is
parsed (fields, arguments, variables) and answered with exactly the fields asked for, so a
field or argument Rize does not have fails here as it would there: HTTP 200 with an
``errors`` array and no data. An unknown key gets the same, saying "Unauthorized".
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tests.standin.common import Reply, bearer, days, rng, stable_int
from tests.standin.tokens import BROKEN, TokenError

PATH = "/api/v1/graphql"
DURATIONS = ("focusTime", "breakTime", "meetingTime", "trackedTime", "workHours")
CATEGORY_NAMES = {"code": "Code", "documentation": "Documentation", "meetings": "Meetings",
                  "messaging": "Messaging", "browsing": "Browsing"}
TITLES = {"focus": ("Deep work", "Code review", "Writing", "Planning"), "meeting": ("Standup", "1:1", "Design review"),
          "break": ("Break", "Lunch walk")}
SCHEMA: dict[str, dict[str, str | None]] = {  # type -> field -> object type (None: a scalar)
    "Query": {"currentUser": "User", "summaries": "Summary", "sessions": "Session"},
    "User": {"email": None, "name": None},
    "Summary": {**dict.fromkeys(("startTime", "endTime", "bucketSize", *DURATIONS)), "categories": "CategoryTime",
                "buckets": "Bucket"},
    "Bucket": dict.fromkeys(("date", "startTime", "endTime", *DURATIONS)),
    "CategoryTime": {"category": "Category", "timeSpent": None},
    "Category": {"key": None, "name": None},
    "Session": dict.fromkeys(("id", "title", "description", "type", "source", "startTime", "endTime", "createdAt",
                              "updatedAt")),
}
ARGUMENTS = {  # root field -> argument -> (the resolver's parameter, GraphQL type; '!' = required)
    "currentUser": {},
    "summaries": {"startDate": ("start", "ISO8601Date!"), "endDate": ("end", "ISO8601Date!"),
                  "bucketSize": ("bucket_size", "String"), "includeCategories": ("with_categories", "Boolean")},
    "sessions": {"startTime": ("start", "ISO8601DateTime!"), "endTime": ("end", "ISO8601DateTime!"),
                 "sort": ("sort", "TimeEntrySortEnum")},
}
_TOKEN = re.compile(r'[\s,]+|#[^\n]*|(\.\.\.|[{}():!$\[\]=@])|("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|([_A-Za-z]\w*)')


def sessions_of_day(user: str, day: date) -> list[dict]:
    """The focus, meeting and break sessions of ``user`` on ``day`` (none at weekends), oldest first."""
    if day.weekday() >= 5:
        return []
    r = rng("rize", user, "sessions", day)
    plan = ["focus"] * r.randint(2, 4)
    plan[1:1] = ["meeting"]
    plan.insert(len(plan) // 2 + 1, "break")
    clock = datetime.combine(day, time(7), UTC) + timedelta(minutes=r.randint(0, 60))
    found = []
    for n, kind in enumerate(plan):
        minutes = {"focus": r.randint(25, 100), "meeting": r.choice((15, 30, 45)), "break": r.randint(10, 30)}[kind]
        end = clock + timedelta(minutes=minutes)
        found.append({"id": str((stable_int("rize", user) % 9000 + 1000) * 10**8 + day.toordinal() * 100 + n),
                      "title": r.choice(TITLES[kind]), "description": None if r.random() < 0.7 else "from the timer",
                      "type": kind, "source": "calendar" if kind == "meeting" else "timer",
                      "startTime": _fmt(clock), "endTime": _fmt(end), "createdAt": _fmt(clock), "updatedAt": _fmt(end)})
        clock = end + timedelta(minutes=r.randint(5, 40))
    return found


def other_work_seconds(user: str, day: date) -> int:
    """Tracked time outside sessions (messaging, browsing)."""
    r = rng("rize", user, "other", day)
    return r.randint(30, 150) * 60 if day.weekday() < 5 else r.choice((0, 0, r.randint(10, 45))) * 60


def bucket(user: str, day: date) -> dict:
    """The day bucket of ``summaries``: seconds of focus, breaks, meetings, tracked time and work hours."""
    spent = {kind: 0 for kind in TITLES}
    for session in sessions_of_day(user, day):
        spent[session["type"]] += int((_parse(session["endTime"]) - _parse(session["startTime"])).total_seconds())
    tracked = spent["focus"] + spent["meeting"] + other_work_seconds(user, day)
    return {"date": f"{day} 00:00:00 +0000", "startTime": f"{day}T04:00:00+00:00",
            "endTime": f"{day + timedelta(days=1)}T04:00:00+00:00", "focusTime": spent["focus"],
            "breakTime": spent["break"], "meetingTime": spent["meeting"], "trackedTime": tracked,
            "workHours": tracked + spent["break"]}


def categories_of_day(user: str, day: date) -> dict[str, int]:
    """Seconds per category key on ``day`` (only categories with time); they add up to trackedTime."""
    day_bucket, other = bucket(user, day), other_work_seconds(user, day)
    code = day_bucket["focusTime"] * 7 // 10
    spent = {"code": code, "documentation": day_bucket["focusTime"] - code, "meetings": day_bucket["meetingTime"],
             "messaging": other // 2, "browsing": other - other // 2}
    return {key: seconds for key, seconds in spent.items() if seconds}


def summaries(user: str, today: date, start: date, end: date, bucket_size: str = "day",
              with_categories: bool = False) -> dict:
    """The ``summaries`` object over a range of days (none after today)."""
    if end < start:
        raise GraphQLError("endDate must not be before startDate", code="argumentLiteralsIncompatible")
    if bucket_size != "day":
        raise GraphQLError(f"the stand-in serves bucketSize \"day\" only, not {bucket_size!r}")
    served = days(start, min(end, today))
    buckets = [bucket(user, day) for day in served]
    totals = {name: sum(b[name] for b in buckets) for name in DURATIONS}
    categories: dict[str, int] = {}
    for day in served if with_categories else ():
        for key, seconds in categories_of_day(user, day).items():
            categories[key] = categories.get(key, 0) + seconds
    return {"startTime": f"{start}T04:00:00+00:00", "endTime": f"{end + timedelta(days=1)}T04:00:00+00:00",
            "bucketSize": bucket_size, **totals, "buckets": buckets,
            "categories": [{"category": {"key": key, "name": CATEGORY_NAMES[key]}, "timeSpent": seconds}
                           for key, seconds in categories.items()] if with_categories else None}


def sessions(user: str, today: date, start: datetime, end: datetime, sort: str | None = None) -> list[dict]:
    """The sessions that start in ``[start, end)``, oldest first."""
    served = days(start.astimezone(UTC).date(), min(end.astimezone(UTC).date(), today))
    return [s for day in served for s in sessions_of_day(user, day) if start <= _parse(s["startTime"]) < end]


RESOLVERS = {"currentUser": lambda user, today: {"email": f"{user}@rize.standin", "name": user.title()},
             "summaries": summaries, "sessions": sessions}


class GraphQLError(Exception):
    """One entry of the ``errors`` array."""

    def __init__(self, message: str, at: tuple[int, int] | None = None, code: str | None = None, **extensions):
        super().__init__(message)
        self.entry: dict[str, Any] = {"message": message}
        if at:
            self.entry["locations"] = [{"line": at[0], "column": at[1]}]
        if code:
            self.entry["extensions"] = {"code": code, **extensions}


@dataclass
class Field:
    """One selected field: name, arguments (literals or ``Variable``), sub-selections, position."""

    name: str
    at: tuple[int, int]
    arguments: dict[str, Any] = field(default_factory=dict)
    selections: list[Field] = field(default_factory=list)
    alias: str | None = None


@dataclass(frozen=True)
class Variable:
    """A ``$name`` reference inside the query."""

    name: str


class Parser:
    """Just enough of GraphQL for the queries clients send: one operation, fields, arguments, variables."""

    def __init__(self, text: str):
        self.text, self.tokens, self.pos = text, [], 0
        offset = 0
        while offset < len(text):
            match = _TOKEN.match(text, offset)
            if match is None:
                raise GraphQLError(f"Parse error on {text[offset]!r}", self.where(offset), "parseError")
            if match.lastindex:
                self.tokens.append((match.group(match.lastindex), match.lastindex, offset))
            offset = match.end()

    def where(self, offset: int) -> tuple[int, int]:
        """(line, column) of a character offset, both from 1."""
        return self.text.count("\n", 0, offset) + 1, offset - (self.text.rfind("\n", 0, offset) + 1) + 1

    def operation(self) -> list[Field]:
        """The root fields of the (first) operation; its header and variable definitions are skipped."""
        while self.pos < len(self.tokens) and self.tokens[self.pos][0] != "{":
            self.pos += 1
        return self.selection_set()

    def selection_set(self) -> list[Field]:
        self.expect("{")
        found = []
        while self.peek() != "}":
            found.append(self.field())
        self.expect("}")
        return found

    def field(self) -> Field:
        name, kind, offset = self.next()
        if kind != 4:
            raise GraphQLError(f"Expected a field name, found {name!r}", self.where(offset), "parseError")
        selected = Field(name, self.where(offset))
        if self.peek() == ":":
            self.next()
            selected.alias, selected.name = name, self.next()[0]
        if self.peek() == "(":
            self.next()
            while self.peek() != ")":
                argument = self.next()[0]
                self.expect(":")
                selected.arguments[argument] = self.value()
            self.next()
        if self.peek() == "{":
            selected.selections = self.selection_set()
        return selected

    def value(self) -> Any:
        text, kind, offset = self.next()
        if text == "$":
            return Variable(self.next()[0])
        if kind == 2:
            return json.loads(text)
        if kind == 3:
            return float(text) if "." in text else int(text)
        if kind == 4:
            return {"true": True, "false": False, "null": None}.get(text, text)
        raise GraphQLError(f"Parse error on {text!r}", self.where(offset), "parseError")

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def next(self) -> tuple[str, int, int]:
        if self.pos >= len(self.tokens):
            raise GraphQLError("Unexpected end of document", code="parseError")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def expect(self, text: str) -> None:
        found, _, offset = self.next()
        if found != text:
            raise GraphQLError(f"Expected {text!r}, found {found!r}", self.where(offset), "parseError")


def execute(query: str, variables: dict[str, Any], user: str, today: date) -> dict:
    """Validate and run one query: ``{"data": ...}`` or ``{"errors": [...]}``."""
    try:
        roots = Parser(query).operation()
        errors = [e.entry for e in _validate(roots, "Query")]
        if errors:
            return {"errors": errors}
        data = {}
        for root in roots:
            value = RESOLVERS[root.name](user, today, **_arguments(root, variables))
            data[root.alias or root.name] = _project(value, root.selections)
        return {"data": data}
    except GraphQLError as exc:
        return {"errors": [exc.entry], "data": None}


def _validate(fields: list[Field], parent: str) -> list[GraphQLError]:
    """Every field must exist on its type; objects need selections and scalars must not have any."""
    errors = []
    for selected in fields:
        if selected.name not in SCHEMA[parent]:
            errors.append(GraphQLError(f"Field '{selected.name}' doesn't exist on type '{parent}'", selected.at,
                                       "undefinedField", typeName=parent, fieldName=selected.name))
            continue
        child = SCHEMA[parent][selected.name]
        if child and not selected.selections:
            errors.append(GraphQLError(f"Field must have selections (field '{selected.name}' returns {child} but "
                                       "has no selections)", selected.at, "selectionMismatch"))
        elif not child and selected.selections:
            errors.append(GraphQLError(f"Selections can't be made on scalars (field '{selected.name}')", selected.at,
                                       "selectionMismatch"))
        errors += _validate(selected.selections, child) if child else []
    return errors


def _arguments(root: Field, variables: dict[str, Any]) -> dict[str, Any]:
    """The root field's arguments with variables filled in and dates parsed."""
    accepted, found = ARGUMENTS[root.name], {}
    for name, value in root.arguments.items():
        if name not in accepted:
            raise GraphQLError(f"Field '{root.name}' doesn't accept argument '{name}'", root.at, "argumentNotAccepted")
        value = variables.get(value.name) if isinstance(value, Variable) else value
        found[name] = _coerce(value, accepted[name][1].rstrip("!"), root, name)
    missing = [name for name, (_, kind) in accepted.items() if kind.endswith("!") and found.get(name) is None]
    if missing:
        raise GraphQLError(f"Field '{root.name}' is missing required arguments: {', '.join(missing)}", root.at,
                           "missingRequiredArguments")
    return {accepted[name][0]: value for name, value in found.items() if value is not None}


def _coerce(value: Any, kind: str, root: Field, name: str) -> Any:
    """An argument as the resolver wants it; a wrong value is the error Rize gives."""
    try:
        if value is None or kind in ("String", "TimeEntrySortEnum"):
            return value
        if kind == "Boolean":
            if not isinstance(value, bool):
                raise ValueError(value)
            return value
        if kind == "ISO8601Date":
            return date.fromisoformat(value)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (TypeError, ValueError, AttributeError):
        raise GraphQLError(f"Argument '{name}' on Field '{root.name}' has an invalid value ({json.dumps(value)}).",
                           root.at, "argumentLiteralsIncompatible", typeName="Field", argumentName=name) from None


def _project(value: Any, selections: list[Field]) -> Any:
    """Only the selected fields of a resolved value, under their aliases."""
    if value is None or not selections:
        return value
    if isinstance(value, list):
        return [_project(item, selections) for item in value]
    return {s.alias or s.name: _project(value.get(s.name), s.selections) for s in selections}


class Rize:
    """The Rize part of the stand-in: routes POST /api/v1/graphql, keys come from the StandIn's TokenBook."""

    source = "rize"

    def __init__(self, standin):
        self.standin = standin

    def serves(self, method: str, path: str) -> bool:
        """Whether this request is Rize's."""
        return path == PATH

    def answer(self, method: str, path: str, query: dict, form: dict, body: Any, auth: str) -> tuple[str | None, Reply]:
        """(user, reply) for one request."""
        if method != "POST":
            return None, Reply(404, {"errors": [{"message": "send the query with POST"}]})
        try:
            user = self.standin.tokens.user_for(self.source, bearer(auth))
        except TokenError:
            return None, Reply(200, {"errors": [{"message": "Unauthorized"}], "data": None})
        failure = self.standin.tokens.failure(self.source, user)
        if failure == BROKEN:
            return user, Reply(500, {"errors": [{"message": "Internal server error"}]}, {"Retry-After": "0"})
        if failure is not None:
            return user, Reply(200, {"errors": [{"message": "Unauthorized"}], "data": None})
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return user, Reply(200, {"errors": [{"message": "No query string was present"}]})
        return user, Reply(200, execute(body["query"], body.get("variables") or {}, user, self.standin.today))


def _fmt(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))

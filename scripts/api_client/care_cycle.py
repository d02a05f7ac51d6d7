"""The care cycle through the Python client generated from docs/openapi.yaml, against a live
server seeded with the demo (scripts/api_client.sh runs it):

    care_cycle.py BASE PROVIDER_TOKEN CLIENT_TOKEN [--record clients/typescript/check.ts]

Ava (provider) schedules a series for Chloe (client), Chloe answers the homework, Ava gives
feedback, Chloe writes, Ava closes; a nested 400 and two 409s come back as typed problems.
Every answer is read as the generated client types it; any other status, type or value is a
failure (exit 1). --record writes the answers (a 201, a list, the 400, a 409) into the
TypeScript check (clients/typescript/check.ts), typed by the schema's operations.
"""

import argparse
import datetime as dt
import json
import sys
import uuid

from care_sessions_api_client import AuthenticatedClient
from care_sessions_api_client.api.assignments import (
    assignments_feedback_create,
    assignments_submit_create,
)
from care_sessions_api_client.api.clients import clients_list
from care_sessions_api_client.api.me import me_retrieve
from care_sessions_api_client.api.sessions import (
    sessions_close_create,
    sessions_create,
    sessions_list,
    sessions_messages_create,
    sessions_messages_list,
    sessions_retrieve,
)
from care_sessions_api_client.models import (
    Assignment,
    CloseInRequest,
    Feedback,
    FeedbackInRequest,
    HomeworkInRequest,
    Me,
    Message,
    MessageInRequest,
    PaginatedClientList,
    PaginatedMessageList,
    PaginatedSessionList,
    Problem,
    Scheduled,
    ScheduleInRequest,
    Session,
    SubmitInRequest,
    ValidationProblem,
)
from care_sessions_api_client.models.assignment_status_enum import AssignmentStatusEnum
from care_sessions_api_client.models.session_status_enum import SessionStatusEnum

PROBLEM = "application/problem+json"
RATE_LIMIT = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


class Mismatch(AssertionError):
    pass


def expect(answer, status, parsed_type):
    """The parsed body of `answer`, which must have `status` and the generated `parsed_type`."""
    if answer.status_code != status or not isinstance(answer.parsed, parsed_type):
        raise Mismatch(
            f"expected {status} {parsed_type.__name__}, got {answer.status_code} "
            f"{type(answer.parsed).__name__}: {answer.content[:500]!r}"
        )
    content_type = answer.headers.get("Content-Type", "")
    wanted = PROBLEM if status >= 400 else "application/json"
    if content_type != wanted:
        raise Mismatch(f"{status}: Content-Type {content_type!r}, not {wanted!r}")
    if status != 401 and not all(name in answer.headers for name in RATE_LIMIT):
        raise Mismatch(f"{status}: no RateLimit headers in {dict(answer.headers)}")
    return answer.parsed


def check(condition, message):
    if not condition:
        raise Mismatch(message)


def cycle(base, provider_token, client_token):
    """The cycle; returns the raw answers to record for the TypeScript check."""
    ava = AuthenticatedClient(base, provider_token, raise_on_unexpected_status=True)
    chloe = AuthenticatedClient(base, client_token, raise_on_unexpected_status=True)
    recorded = {}

    me = expect(me_retrieve.sync_detailed(client=ava), 200, Me)
    check(me.role.value == "provider", f"Ava's role: {me.role}")
    clients = expect(clients_list.sync_detailed(client=ava), 200, PaginatedClientList)
    [client] = [row for row in clients.results if row.email == "chloe@northside.example"]

    # Started a minute ago (homework opens when its session starts), an hour long. Chloe's
    # own series is held by Ben: an overlap with another provider, refused unless allowed.
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    body = ScheduleInRequest(
        client=client.id,
        starts_at=now - dt.timedelta(minutes=1),
        ends_at=now + dt.timedelta(minutes=59),
        repeat=2,
        homework=[HomeworkInRequest(title="Thought record", instructions="One a day.")],
    )

    # A nested 400: the second homework item without a title.
    invalid = ScheduleInRequest.from_dict(
        {**body.to_dict(), "homework": [{"title": "Walk"}, {"title": ""}]}
    )
    answer = sessions_create.sync_detailed(client=ava, body=invalid)
    problem = expect(answer, 400, ValidationProblem)
    check(
        [(e.field, bool(e.code), bool(e.message)) for e in problem.errors]
        == [("homework[1].title", True, True)],
        f"400 errors: {problem.errors}",
    )
    recorded["invalid400"] = answer.content

    overlap = expect(sessions_create.sync_detailed(client=ava, body=body), 409, Problem)
    check(overlap.code == "overlap_other_provider", f"409 code: {overlap.code}")
    check(overlap.sessions and all(isinstance(s, uuid.UUID) for s in overlap.sessions), "ids")

    body.allow_overlap = True
    key = str(uuid.uuid4())
    answer = sessions_create.sync_detailed(client=ava, body=body, idempotency_key=key)
    series = expect(answer, 201, Scheduled)
    recorded["scheduled201"] = answer.content
    check(len(series.sessions) == 2, f"{len(series.sessions)} sessions")
    first, second = series.sessions
    check(second.starts_at == first.ends_at, "the series is chained")
    location = answer.headers["Location"]
    check(location == f"{base}/api/v1/sessions/{first.id}/", f"Location: {location}")
    again = sessions_create.sync_detailed(client=ava, body=body, idempotency_key=key)
    check(expect(again, 201, Scheduled).series_id == series.series_id, "replayed")
    check(again.headers["Location"] == location, "a replay names the same Location")

    [homework] = first.assignments
    check(homework.status == AssignmentStatusEnum.ASSIGNED, f"homework: {homework.status}")
    answer = assignments_submit_create.sync_detailed(
        homework.id, client=chloe, body=SubmitInRequest(response="Monday: calmer after.")
    )
    check(expect(answer, 200, Assignment).status == AssignmentStatusEnum.COMPLETED, "submitted")

    # Not ready: the answer has no feedback yet.
    answer = sessions_close_create.sync_detailed(first.id, client=ava, body=CloseInRequest())
    not_ready = expect(answer, 409, Problem)
    check(not_ready.code == "not_ready", f"409 code: {not_ready.code}")
    check(not_ready.unfinished == [homework.id], f"unfinished: {not_ready.unfinished}")
    recorded["conflict409"] = answer.content

    answer = assignments_feedback_create.sync_detailed(
        homework.id, client=ava, body=FeedbackInRequest(body="Well noticed.")
    )
    feedback = expect(answer, 201, Feedback)
    check(feedback.author.name == "Ava Thompson", f"author: {feedback.author.name}")
    check(answer.headers["Location"] == location, "feedback's Location: its session")

    answer = sessions_messages_create.sync_detailed(
        first.id, client=chloe, body=MessageInRequest(body="See you next week.")
    )
    message = expect(answer, 201, Message)
    check(message.author.role.value == "client", f"role: {message.author.role}")
    thread = expect(
        sessions_messages_list.sync_detailed(first.id, client=ava), 200, PaginatedMessageList
    )
    check([m.id for m in thread.results] == [message.id], "the thread")

    answer = sessions_close_create.sync_detailed(first.id, client=ava, body=CloseInRequest())
    closed = expect(answer, 200, Session)
    check(closed.status == SessionStatusEnum.CLOSED and closed.closed_by.name == "Ava Thompson", "")
    answer = sessions_close_create.sync_detailed(first.id, client=ava, body=CloseInRequest())
    check(expect(answer, 409, Problem).code == "already_closed", "closing twice")

    read = expect(sessions_retrieve.sync_detailed(first.id, client=chloe), 200, Session)
    check(read.assignments[0].feedback[0].id == feedback.id, "the feedback, read by Chloe")
    answer = sessions_list.sync_detailed(client=chloe, client_query=client.id, page_size=5)
    page = expect(answer, 200, PaginatedSessionList)
    check(page.count >= 2 and len(page.results) == 5, f"a page: {page.count}")
    recorded["sessionList200"] = answer.content
    return recorded


# What check.ts holds: each recorded answer typed as its operation's answer in the schema.
RECORDED_TYPES = {
    "scheduled201": ('"/api/v1/sessions/"', "post", 201, "application/json"),
    "sessionList200": ('"/api/v1/sessions/"', "get", 200, "application/json"),
    "invalid400": ('"/api/v1/sessions/"', "post", 400, PROBLEM),
    "conflict409": ('"/api/v1/sessions/{id}/close/"', "post", 409, PROBLEM),
}


def write_check(path, recorded):
    lines = [
        "// Answers recorded from a live server by scripts/api_client/care_cycle.py --record,",
        "// each typed as its operation's answer in docs/openapi.yaml (openapi-typescript).",
        "// `npm run check` fails when the schema no longer describes them (tsc --strict).",
        'import type { paths } from "./schema.d.ts";',
        "",
        "type Answer<P extends keyof paths, M extends keyof paths[P], S extends number,",
        "    T extends string> = paths[P][M] extends {",
        "    responses: { [status in S]: { content: { [type in T]: infer Body } } };",
        "}",
        "    ? Body",
        "    : never;",
        "",
    ]
    for name, (where, method, status, media_type) in RECORDED_TYPES.items():
        body = json.dumps(json.loads(recorded[name]), indent=2, ensure_ascii=False)
        kind = f'Answer<{where}, "{method}", {status}, "{media_type}">'
        lines += [f"export const {name}: {kind} = {body};", ""]
    lines += [
        "// Read as a program would: the typed members, nested paths included.",
        "export const firstInvalidField: string | null = invalid400.errors[0].field;",
        "export const unfinished: string[] | undefined = conflict409.unfinished;",
        "export const closedBy: string | undefined = sessionList200.results[0].closed_by?.name;",
        "export const created: string = scheduled201.sessions[0].id;",
        "",
    ]
    with open(path, "w", encoding="utf-8") as file:
        file.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base")
    parser.add_argument("provider_token")
    parser.add_argument("client_token")
    parser.add_argument("--record", metavar="CHECK_TS")
    args = parser.parse_args()
    try:
        recorded = cycle(args.base, args.provider_token, args.client_token)
    except Mismatch as error:
        print(f"care cycle through the generated client: MISMATCH: {error}", file=sys.stderr)
        return 1
    if args.record:
        write_check(args.record, recorded)
    print("care cycle through the generated client: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

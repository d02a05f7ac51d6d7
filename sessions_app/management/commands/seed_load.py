"""Load benchmark data with COPY in one transaction, skipping triggers, foreign keys and secondary
indexes; `verify()` then checks what those would have and rolls a bad load back."""

# SQL from Django's own table names, never input (S608); random data, not secrets (S311).
# ruff: noqa: S311, S608

import contextlib
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from sessions_app import loadprofile as profile

WEEK = 7 * 24 * 3600
HOUR = 3600
CHUNK = 20_000  # sessions generated between two rounds of COPY

FIRST = ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Riley", "Casey", "Jamie", "Avery"]
FIRST += ["Quinn", "Rowan", "Elliot", "Noor", "Mina", "Tomas", "Ines", "Kofi", "Yara"]
LAST = ["Nguyen", "Smith", "Garcia", "Okafor", "Kowalski", "Haddad", "Lindqvist", "Moreau"]
LAST += ["Tanaka", "Silva", "Murphy", "Novak", "Fischer", "Osei", "Rossi", "Bauer", "Ali"]
TITLES = ["Clinical psychologist", "Counsellor", "Psychiatrist", "Psychotherapist"]
ZONES = ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London"]
ZONES += ["Europe/Berlin", "Australia/Sydney"]
HOMEWORK = [
    "Thought record",
    "Mood diary",
    "Sleep log",
    "Breathing exercise, twice a day",
    "Values worksheet",
    "Behavioural experiment",
    "Gratitude journal",
    "Exposure practice",
]
INSTRUCTIONS = "Write down what happened, what you felt and what you thought at the time."
RESPONSES = [
    "Done on four days; the evenings were harder than the mornings.",
    "I noticed the thoughts came back at work, less at home.",
    "Managed every day this week, see the notes attached to each entry.",
]
FEEDBACK = [
    "Thank you, this is a useful record. Let us look at Tuesday together.",
    "Good progress: notice how the intensity went down over the week.",
]
# COPY text: the line break escaped.
CRISIS_CONTACTS = r"988 Suicide & Crisis Lifeline: call or text 988\nEmergency: call 911"
QUESTIONNAIRE_NAMES = {"phq9": "PHQ-9", "gad7": "GAD-7"}
CANCELLED = 0.05  # of sessions, as in a real practice (DESIGN.md section 9)
CHANGED = 0.04  # of the sessions with a meeting: the meeting moved
CANCEL_REASONS = [
    "The client is ill this week.",
    "Public holiday: the clinic is closed.",
    "The provider is away at a conference.",
    "The client asked to skip a week (travel).",
]
PLACES = ["Room 1", "Room 2", "Room 3", "Phone", ""]
MESSAGES = [
    "Hello, a quick question about this week's homework.",
    "Thanks, that helps. See you on Monday.",
    "How did the exercise go on the days you tried it?",
    "I could not do it on Thursday, I was travelling.",
    "No problem, try again when you are back home.",
]


def tables():
    from allauth.account.models import EmailAddress

    from clinic.models import CareProvider, CareTeamMembership, Client, Clinic, User
    from sessions_app.models import (
        Assignment,
        Feedback,
        Message,
        QuestionnaireResponse,
        ReadPosition,
        Session,
        SessionChange,
    )

    models = [Clinic, User, EmailAddress, CareProvider, Client, CareTeamMembership]
    models += [Session, SessionChange, Assignment, Feedback, Message, ReadPosition]
    models += [QuestionnaireResponse]
    return {model.__name__: model._meta.db_table for model in models}


COLUMNS = {
    "Clinic": "id, uuid, name, slug, time_zone, crisis_contacts",
    "User": (
        "id, password, is_superuser, uuid, email, full_name, is_staff, is_active, language, "
        "date_joined"
    ),
    "EmailAddress": 'id, email, verified, "primary", user_id',
    "CareProvider": "id, uuid, title, is_clinic_admin, user_id, clinic_id",
    "Client": "id, uuid, date_of_birth, user_id, clinic_id",
    "CareTeamMembership": "id, added_at, provider_id, client_id",
    "Session": "id, uuid, starts_at, ends_at, series_id, sequence, status, closed_at, "
    "close_note, created_at, client_id, clinic_id, closed_by_id, created_by_id, provider_id, "
    "last_message_id, number, cancelled_at, cancelled_by_id, cancel_reason, meeting_starts_at, "
    "meeting_minutes, meeting_place, meeting_video_url",
    "SessionChange": "id, session_id, clinic_id, kind, changed_by_id, changed_at, fields, reason",
    "Assignment": "id, uuid, title, instructions, due_at, created_at, response, submitted_at, "
    "created_by_id, session_id, kind",
    "Feedback": "id, uuid, body, created_at, assignment_id, author_id, clinic_id",
    "Message": "id, uuid, body, created_at, author_id, clinic_id, session_id",
    "ReadPosition": "id, last_read_message_id, updated_at, user_id, session_id",
    "QuestionnaireResponse": "id, assignment_id, clinic_id, client_id, instrument, answers, "
    "total, band, submitted_at, flagged_at, acknowledged_by_id, acknowledged_at",
}
BIG = ["Session", "SessionChange", "Assignment", "Feedback", "Message", "ReadPosition"]
BIG += ["QuestionnaireResponse"]
QUESTIONNAIRES = ("phq9", "gad7")
FLAGGED = 0.02  # of the caseload's PHQ-9 answers: item 9 above 0


def ts(seconds):
    """A COPY-ready UTC timestamp."""
    return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(seconds))


def iso(seconds):
    """A time as a change's history keeps it (services._value: isoformat of a UTC time)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(seconds))


@dataclass
class Person:
    id: int  # provider or client id
    user_id: int
    clinic_id: int
    team: list = field(default_factory=list)  # a client's care team (provider Persons)


class Generator:
    """Rows as COPY text lines, per table; ids are allocated here, from 1."""

    def __init__(self, *, rng, now, password_hash):
        self.rng, self.now, self.password_hash = rng, now, password_hash
        self.rows = {name: [] for name in COLUMNS}
        self.next_id = dict.fromkeys(COLUMNS, 1)
        self.counts = dict.fromkeys(COLUMNS, 0)

    @contextlib.contextmanager
    def drawing_from(self, rng):
        """The featured people's own random stream: the same pages at any load size."""
        shared, self.rng = self.rng, rng
        try:
            yield
        finally:
            self.rng = shared

    def uuid(self):
        bits = self.rng.getrandbits(128)
        # Version 4, RFC 4122 variant, like uuid.uuid4().
        bits = (bits & ~(0xF000 << 64) | (0x4000 << 64)) & ~(0xC000 << 48) | (0x8000 << 48)
        return f"{bits:032x}"

    def add(self, table, *values):
        pk = self.next_id[table]
        self.next_id[table] = pk + 1
        self.counts[table] += 1
        self.rows[table].append("\t".join((str(pk), *values)))
        return pk

    def name(self):
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def clinic(self, index):
        zone = ZONES[index % len(ZONES)]
        return self.add(
            "Clinic",
            self.uuid(),
            f"Load Clinic {index + 1}",
            f"load-{index + 1}",
            zone,
            CRISIS_CONTACTS,
        )

    def user(self, email, full_name):
        user_id = self.add(
            "User",
            self.password_hash,
            "f",
            self.uuid(),
            email,
            full_name,
            "f",
            "t",
            "",
            ts(self.now - 3 * 365 * 24 * HOUR),
        )
        self.add("EmailAddress", email, "t", "t", str(user_id))
        return user_id

    def provider(self, clinic_id, email, *, admin=False):
        user_id = self.user(email, self.name())
        pk = self.add(
            "CareProvider",
            self.uuid(),
            self.rng.choice(TITLES),
            "t" if admin else "f",
            str(user_id),
            str(clinic_id),
        )
        return Person(pk, user_id, clinic_id)

    def client(self, clinic_id, email, team, uuid=None):
        user_id = self.user(email, self.name())
        birth = f"{self.rng.randint(1950, 2005)}-{self.rng.randint(1, 12):02d}-15"
        drawn = self.uuid()  # drawn even when given: the data after it stays the same
        pk = self.add("Client", uuid or drawn, birth, str(user_id), str(clinic_id))
        for provider in team:
            self.add(
                "CareTeamMembership", ts(self.now - 3 * 365 * 24 * HOUR), str(provider.id), str(pk)
            )
        return Person(pk, user_id, clinic_id, team)

    def history(
        self,
        client,
        count,
        *,
        active,
        upcoming=0,
        featured_last=False,
        meetings=False,
        measures=False,
    ):
        """`count` weekly sessions of one client in series, held by one provider, back to back
        so they never overlap; `meetings` and `measures` add meetings and questionnaires."""
        rng, now = self.rng, self.now
        # Each questionnaire's first score and its fall per week.
        course = (
            {code: (rng.randint(8, 22), rng.uniform(0.02, 0.15)) for code in QUESTIONNAIRES}
            if measures
            else None
        )
        if active:
            anchor = now - rng.randrange(HOUR, WEEK - HOUR) // 60 * 60
        else:
            anchor = now - rng.randint(2, 52) * WEEK - rng.randrange(WEEK) // 60 * 60
        first = anchor - (count - 1 - upcoming) * WEEK
        holder = client.team[0] if rng.random() < 0.8 or len(client.team) == 1 else client.team[1]
        index = 0
        while index < count:
            length = min(rng.randint(4, 12), count - index)
            series = self.uuid()
            created = first + index * WEEK - 2 * 24 * HOUR
            creator = rng.choice(client.team)
            meeting = self.meeting() if meetings else None
            for sequence in range(1, length + 1):
                starts = first + index * WEEK
                featured = featured_last and index == count - 1
                index += 1
                self.session(
                    client,
                    holder,
                    creator,
                    starts,
                    series,
                    sequence,
                    created,
                    featured,
                    index,
                    meeting,
                    course,
                )

    def meeting(self):
        """A series' meeting: (offset from the session's start, minutes, place, video link)."""
        rng = self.rng
        offset = rng.randrange(0, 5 * 24 * HOUR) // (15 * 60) * (15 * 60)
        minutes = rng.choice((50, 50, 50, 45, 60, 30))
        place = rng.choice(PLACES)
        video = f"https://video.load.example/{self.uuid()[:12]}" if not place else ""
        if place == "Phone" or rng.random() < 0.2:
            video = video or f"https://video.load.example/{self.uuid()[:12]}"
        return offset, minutes, place, video

    def session(
        self,
        client,
        holder,
        creator,
        starts,
        series,
        sequence,
        created,
        featured,
        number,
        meeting,
        course=None,
    ):
        """One session; `number` is its number in the client's care (one history a client)."""
        rng, now = self.rng, self.now
        ends = starts + WEEK
        # Cancelled (never the featured session) up to a day and a half before it starts,
        # or by now when that is still ahead; nothing is answered or said in it then.
        cancelled = not featured and rng.random() < CANCELLED
        cancelled_at = min(starts - rng.randrange(HOUR, 36 * HOUR), now) if cancelled else None
        closed = not cancelled and ends <= now and rng.random() < 0.97
        started = starts <= now and not cancelled
        if featured:
            homework, n_messages = profile.SESSION_HOMEWORK, profile.SESSION_MESSAGES
        else:
            homework = rng.choice((0, 1, 2, 2, 3, 4))
            n_messages = rng.randint(0, 8) if started else 0
        # On a quarter hour (starts are on any minute): the same in each week of the series.
        meeting_start = -(-(starts + meeting[0]) // 900) * 900 if meeting else None
        reason = rng.choice(CANCEL_REASONS) if cancelled else ""
        closed_at = min(ends + rng.randrange(0, 36 * HOUR), now) if closed else None
        # The homework first: a session closed with unfinished homework carries a note.
        assignments, unfinished = [], False
        p_submit = 0.92 if closed else (0.5 if ends <= now else 0.4) if started else 0.0
        for _ in range(homework):
            submitted = None
            if rng.random() < p_submit:
                submitted = min(starts + rng.randrange(HOUR, 6 * 24 * HOUR), now)
            feedbacks = 0
            if submitted is not None and (closed or rng.random() < 0.5):
                feedbacks = 1 if rng.random() < 0.85 else 2
            if closed and rng.random() < 0.05:
                feedbacks = 0
            unfinished |= submitted is None or feedbacks == 0
            assignments.append((submitted, feedbacks, None))
        # The caseload's weekly questionnaires (not the featured session: its homework is fixed).
        if course and not featured:
            for code in QUESTIONNAIRES:
                submitted = None
                if rng.random() < p_submit:
                    submitted = min(starts + rng.randrange(HOUR, 2 * 24 * HOUR), now)
                feedbacks = 1 if submitted is not None and (closed or rng.random() < 0.5) else 0
                unfinished |= submitted is None or feedbacks == 0
                assignments.append((submitted, feedbacks, code))
        session_id = self.add(
            "Session",
            str(profile.SESSION_UUID) if featured else self.uuid(),
            ts(starts),
            ts(ends),
            series,
            str(sequence),
            "cancelled" if cancelled else "closed" if closed else "open",
            ts(closed_at) if closed else r"\N",
            "Closed at the end of the care period." if closed and unfinished else "",
            ts(created),
            str(client.id),
            str(client.clinic_id),
            str(holder.id) if closed else r"\N",
            str(creator.id),
            str(holder.id),
            # What the skipped message trigger would set: the messages below take the next ids.
            str(self.next_id["Message"] + n_messages - 1) if n_messages else r"\N",
            str(number),
            ts(cancelled_at) if cancelled else r"\N",
            str(holder.id) if cancelled else r"\N",
            reason,
            ts(meeting_start) if meeting else r"\N",
            str(meeting[1]) if meeting else r"\N",
            meeting[2] if meeting else "",
            meeting[3] if meeting else "",
        )
        sid, clinic = str(session_id), str(client.clinic_id)
        # A cancelled session is not changed after it was cancelled.
        until = cancelled_at if cancelled else min(starts, now)
        self.changes(session_id, client, holder, starts, meeting_start, created, until)
        if cancelled:
            self.add(
                "SessionChange",
                sid,
                clinic,
                "cancel",
                str(holder.id),
                ts(cancelled_at),
                '{"status": ["open", "cancelled"]}',
                reason,
            )
        for submitted, feedbacks, code in assignments:
            assignment_id = self.add(
                "Assignment",
                self.uuid(),
                QUESTIONNAIRE_NAMES[code] if code else rng.choice(HOMEWORK),
                "" if code else INSTRUCTIONS,
                ts(ends),
                ts(created),
                rng.choice(RESPONSES) if submitted and not code else "",
                ts(submitted) if submitted else r"\N",
                str(creator.id),
                sid,
                code or "text",
            )
            if code and submitted:
                self.questionnaire(assignment_id, client, holder, code, course, number, submitted)
            for n in range(feedbacks):
                given = submitted + (n + 1) * rng.randrange(HOUR, 30 * HOUR)
                given = min(given, closed_at or now, now)
                self.add(
                    "Feedback",
                    self.uuid(),
                    rng.choice(FEEDBACK),
                    ts(given),
                    str(assignment_id),
                    str(holder.id),
                    clinic,
                )
        if not n_messages:
            return
        window = max(min(ends, now) - starts, 60)
        moments = sorted(starts + rng.randrange(window) for _ in range(n_messages))
        authors = [client.user_id if rng.random() < 0.5 else holder.user_id for _ in moments]
        ids = [
            self.add(
                "Message",
                self.uuid(),
                rng.choice(MESSAGES),
                ts(moment),
                str(author),
                clinic,
                sid,
            )
            for moment, author in zip(moments, authors, strict=True)
        ]
        # Both have read a closed session; in an open one the other side's last may be unread.
        for user_id in (client.user_id, holder.user_id):
            upto = ids[-1]
            if not closed and authors[-1] != user_id and rng.random() < 0.35:
                upto = ids[-2] if len(ids) > 1 else 0
            if upto:
                self.add("ReadPosition", str(upto), ts(moments[-1]), str(user_id), sid)

    def questionnaire(self, assignment_id, client, holder, code, course, number, submitted):
        """Answers to a questionnaire of the client's `number`th week; a rare PHQ-9 is flagged."""
        from sessions_app import instruments

        rng, instrument = self.rng, instruments.instrument(code)
        first, fall = course[code]
        total = round(first - fall * number + rng.uniform(-2.5, 2.5))
        total = max(0, min(instrument.max_total - 3, total))
        # Spread evenly over the items but the risk item, in a random order.
        answers = [0] * len(instrument.items)
        items = [i for i in range(len(answers)) if i + 1 != instrument.risk_item]
        for k, index in enumerate(rng.sample(items, len(items))):
            answers[index] = min(3, total // len(items) + (k < total % len(items)))
        flagged = instrument.risk_item is not None and rng.random() < FLAGGED
        if flagged:
            answers[instrument.risk_item - 1] = 1
        total = sum(answers)
        acknowledged = flagged and (submitted < self.now - 2 * WEEK or rng.random() < 0.5)
        self.add(
            "QuestionnaireResponse",
            str(assignment_id),
            str(client.clinic_id),
            str(client.id),
            code,
            "[" + ", ".join(map(str, answers)) + "]",
            str(total),
            instrument.band_for(total).code,
            ts(submitted),
            ts(submitted) if flagged else r"\N",
            str(holder.id) if acknowledged else r"\N",
            ts(min(submitted + rng.randrange(HOUR, 24 * HOUR), self.now))
            if acknowledged
            else r"\N",
        )

    def changes(self, session_id, client, holder, starts, meeting_start, created, until):
        """The change services.session_change would have written: the meeting moved an hour."""
        rng = self.rng
        if meeting_start is None or rng.random() >= CHANGED:
            return
        # Moved an hour later, or earlier when an hour earlier falls before the session.
        before = meeting_start - HOUR if meeting_start - HOUR >= starts else meeting_start + HOUR
        at = created + rng.randrange(max(until - created, 1))
        self.add(
            "SessionChange",
            str(session_id),
            str(client.clinic_id),
            "change",
            str(holder.id),
            ts(at),
            f'{{"meeting_starts_at": ["{iso(before)}", "{iso(meeting_start)}"]}}',
            "",
        )

    def take(self, name):
        rows, self.rows[name] = self.rows[name], []
        return rows


def sessions_per_client(rng, total, clients):
    """`total` split over `clients`, unevenly (half to one and a half times the mean)."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(clients)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % clients] += 1
    return counts


class Command(BaseCommand):
    help = (
        "Fill a PostgreSQL database with load data for the benchmark (replaces what the "
        "database holds: use a database of its own)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, default=1_000_000)
        parser.add_argument(
            "--clients", type=int, help="Default: one per 25 sessions, 100 to 40,000."
        )
        parser.add_argument("--clinics", type=int, help="Default: one per 130 clients, 2 to 300.")
        parser.add_argument("--providers-per-clinic", type=int, default=8)
        parser.add_argument("--password", default=profile.DEFAULT_PASSWORD)
        parser.add_argument("--seed", type=int, default=7, help="Random seed (default 7).")
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Empty a database that already holds people or sessions.",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_load needs PostgreSQL (DATABASE_URL=postgres://...).")
        featured = profile.CASELOAD * profile.WEEKS
        total = options["sessions"]
        if total < featured + 1000:
            raise CommandError(f"Give at least {featured + 1000} sessions.")
        clients = options["clients"] or min(max(total // 25, 100), 40_000)
        clinics = options["clinics"] or min(max(clients // 130, 2), 300)
        if clients <= profile.CASELOAD or clinics < 1 or options["providers_per_clinic"] < 2:
            raise CommandError("Too few clients, clinics or providers for the caseload.")
        names = tables()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {names['User']})")
            if cursor.fetchone()[0] and not options["flush"]:
                raise CommandError(
                    "This database already holds people: seed_load replaces everything. "
                    "Run it on a database of its own, with --flush to empty it."
                )
        started = time.monotonic()
        self.phase_started = started
        with transaction.atomic():
            counts = self.load(names, total, clients, clinics, options)
        self.phase("committed")
        with connection.cursor() as cursor:
            for name in names.values():
                cursor.execute(f"VACUUM (ANALYZE) {name}")
        self.phase("vacuum analyze")
        elapsed = time.monotonic() - started
        rows = ", ".join(f"{n:,} {name}" for name, n in counts.items() if name in BIG)
        self.stdout.write(f"Loaded in {elapsed:.0f} s: {rows}.")
        self.stdout.write(
            f"{clinics} clinics, {clinics * options['providers_per_clinic']} providers, "
            f"{clients:,} clients."
        )
        self.stdout.write("Log in with (password given by --password):")
        self.stdout.write(
            f"  provider with a full caseload ({profile.CASELOAD} clients): "
            f"{profile.PROVIDER_EMAIL} / {options['password']}"
        )
        self.stdout.write(
            f"  client with {profile.WEEKS} weekly sessions: "
            f"{profile.CLIENT_EMAIL} / {options['password']}"
        )
        self.stdout.write(
            f"  their session with {profile.SESSION_HOMEWORK} homework items and "
            f"{profile.SESSION_MESSAGES} messages: /provider/sessions/{profile.SESSION_UUID}/"
        )

    def phase(self, label):
        now = time.monotonic()
        self.stdout.write(f"  {label}: {now - self.phase_started:.1f} s")
        self.phase_started = now

    def load(self, names, total, n_clients, n_clinics, options):
        rng = random.Random(options["seed"])
        gen = Generator(
            rng=rng,
            now=int(timezone.now().timestamp()) // 60 * 60,
            password_hash=make_password(options["password"]),
        )
        with connection.cursor() as cursor:
            # Emptied in this transaction so COPY can FREEZE: no vacuum before index-only scans.
            cursor.execute(
                "TRUNCATE {} RESTART IDENTITY CASCADE".format(
                    ", ".join([*names.values(), "django_session"])
                )
            )
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            rebuild = [sql for name in BIG for sql in self.drop_indexes(cursor, names[name])]
            self.phase(f"dropped {len(rebuild)} indexes and unique constraints")

            ppc = options["providers_per_clinic"]
            clinic_ids = [gen.clinic(i) for i in range(n_clinics)]
            featured = random.Random(f"{options['seed']}:featured")
            providers = {}
            for clinic_id in clinic_ids:
                providers[clinic_id] = []
                for k in range(ppc):
                    star = (clinic_id, k) == (clinic_ids[0], 0)
                    with gen.drawing_from(featured if star else rng):
                        providers[clinic_id].append(
                            gen.provider(
                                clinic_id,
                                profile.PROVIDER_EMAIL
                                if star
                                else f"provider{(clinic_id - 1) * ppc + k + 1}@load.example",
                                admin=k == 0,
                            )
                        )
            star = providers[clinic_ids[0]][0]
            # The caseload: first-clinic clients whose care team is the featured provider alone.
            with gen.drawing_from(featured):
                caseload = [
                    gen.client(
                        clinic_ids[0],
                        profile.CLIENT_EMAIL if i == 0 else f"caseload{i}@load.example",
                        [star],
                        uuid=profile.CLIENT_UUID.hex if i == 0 else None,
                    )
                    for i in range(profile.CASELOAD)
                ]
            others = []
            for i in range(n_clients - profile.CASELOAD):
                clinic_id = clinic_ids[i % n_clinics]
                # Anyone of the clinic but the featured provider.
                team = rng.sample(providers[clinic_id][1:], 2 if rng.random() < 0.3 else 1)
                others.append(gen.client(clinic_id, f"client{i + 1}@load.example", team))
            self.copy(cursor, names, gen, ["Clinic", "User", "EmailAddress", "CareProvider"])
            self.copy(cursor, names, gen, ["Client", "CareTeamMembership"])
            self.phase(f"{gen.counts['User']:,} people")

            with gen.drawing_from(featured):
                for i, client in enumerate(caseload):
                    # The featured client's session in progress is the last: nothing upcoming.
                    upcoming = 0 if i == 0 else featured.choice((0, 0, 1, 2))
                    gen.history(
                        client,
                        profile.WEEKS,
                        active=True,
                        upcoming=upcoming,
                        featured_last=i == 0,
                        meetings=True,
                        measures=True,
                    )
            pending = gen.counts["Session"]
            counts = sessions_per_client(rng, total - gen.counts["Session"], len(others))
            for client, count in zip(others, counts, strict=True):
                if not count:
                    continue
                active = rng.random() < 0.7
                gen.history(
                    client, count, active=active, upcoming=rng.choice((0, 0, 1, 2)) if active else 0
                )
                if gen.counts["Session"] - pending >= CHUNK:
                    self.copy(cursor, names, gen, BIG)
                    pending = gen.counts["Session"]
            self.copy(cursor, names, gen, BIG)
            self.phase(f"{gen.counts['Session']:,} sessions generated and copied")

            for sql in rebuild:
                cursor.execute(sql)
            self.phase(f"rebuilt {len(rebuild)} indexes and unique constraints")
            self.verify(cursor, names)
            self.phase("verified the invariants that triggers and foreign keys keep")
            for name, table in names.items():
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s, false)",
                    [gen.next_id[name]],
                )
            cursor.execute("SET LOCAL session_replication_role = origin")
        return gen.counts

    def copy(self, cursor, names, gen, which):
        for name in which:
            rows = gen.take(name)
            if not rows:
                continue
            sql = f"COPY {names[name]} ({COLUMNS[name]}) FROM STDIN (FREEZE)"
            with cursor.copy(sql) as copy:
                copy.write("\n".join(rows) + "\n")

    def drop_indexes(self, cursor, table):
        """Drop `table`'s indexes and unique constraints but its primary key; return rebuilds."""
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid), c.conname, pg_get_constraintdef(c.oid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.conrelid = x.indrelid
            WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
            """,
            [table],
        )
        rebuild = []
        for index, index_def, constraint, constraint_def in cursor.fetchall():
            if constraint:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
                rebuild.append(
                    f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {constraint_def}'
                )
            else:
                cursor.execute(f'DROP INDEX "{index}"')
                rebuild.append(index_def)
        return rebuild

    def verify(self, cursor, t):
        """Count what skipped triggers and foreign keys would refuse; any rolls the load back."""
        checks = {
            "sessions whose client, providers or clinic do not match": f"""
                SELECT count(*) FROM {t["Session"]} s
                LEFT JOIN {t["Clinic"]} k ON k.id = s.clinic_id
                LEFT JOIN {t["Client"]} c ON c.id = s.client_id
                LEFT JOIN {t["CareProvider"]} p ON p.id = s.provider_id
                LEFT JOIN {t["CareProvider"]} b ON b.id = s.created_by_id
                LEFT JOIN {t["CareProvider"]} x ON x.id = s.closed_by_id
                LEFT JOIN {t["CareProvider"]} y ON y.id = s.cancelled_by_id
                WHERE k.id IS NULL
                   OR c.clinic_id IS DISTINCT FROM s.clinic_id
                   OR p.clinic_id IS DISTINCT FROM s.clinic_id
                   OR b.clinic_id IS DISTINCT FROM s.clinic_id
                   OR (s.closed_by_id IS NOT NULL AND x.clinic_id IS DISTINCT FROM s.clinic_id)
                   OR (s.cancelled_by_id IS NOT NULL AND y.clinic_id IS DISTINCT FROM s.clinic_id)
            """,
            # The rebuilt unique constraint holds numbers apart; the service also leaves no gaps.
            "clients whose sessions are not numbered 1, 2, 3... in the order of their dates": f"""
                SELECT count(*) FROM (
                    SELECT number,
                           row_number() OVER (PARTITION BY client_id ORDER BY starts_at, id) AS n
                    FROM {t["Session"]}) x
                WHERE number <> n
            """,
            # What the exclusion constraint holds (rebuilt above), said in the service's terms.
            "sessions of a client that overlap another with the same provider": f"""
                SELECT count(*) FROM (
                    SELECT starts_at, lag(ends_at) OVER (
                        PARTITION BY client_id, provider_id ORDER BY starts_at, id) AS previous_end
                    FROM {t["Session"]} WHERE status <> 'cancelled') x
                WHERE previous_end > starts_at
            """,
            "changes of a missing session, or of another clinic than the session or author": f"""
                SELECT count(*) FROM {t["SessionChange"]} h
                LEFT JOIN {t["Session"]} s ON s.id = h.session_id
                LEFT JOIN {t["CareProvider"]} p ON p.id = h.changed_by_id
                WHERE s.clinic_id IS DISTINCT FROM h.clinic_id
                   OR p.clinic_id IS DISTINCT FROM h.clinic_id
            """,
            "cancelled sessions without their cancellation in the history": f"""
                SELECT count(*) FROM {t["Session"]} s
                WHERE s.status = 'cancelled' AND NOT EXISTS (
                    SELECT 1 FROM {t["SessionChange"]} h
                    WHERE h.session_id = s.id AND h.kind = 'cancel')
            """,
            "sessions held or scheduled by a provider off the care team": f"""
                SELECT count(*) FROM {t["Session"]} s
                WHERE NOT EXISTS (
                    SELECT 1 FROM {t["CareTeamMembership"]} m
                    WHERE m.client_id = s.client_id AND m.provider_id = s.provider_id)
                OR NOT EXISTS (
                    SELECT 1 FROM {t["CareTeamMembership"]} m
                    WHERE m.client_id = s.client_id AND m.provider_id = s.created_by_id)
                OR (s.cancelled_by_id IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM {t["CareTeamMembership"]} m
                    WHERE m.client_id = s.client_id AND m.provider_id = s.cancelled_by_id))
            """,
            "questionnaire answers of another client or clinic than their homework's session": f"""
                SELECT count(*) FROM {t["QuestionnaireResponse"]} q
                LEFT JOIN {t["Assignment"]} a ON a.id = q.assignment_id
                LEFT JOIN {t["Session"]} s ON s.id = a.session_id
                WHERE s.client_id IS DISTINCT FROM q.client_id
                   OR s.clinic_id IS DISTINCT FROM q.clinic_id
                   OR a.kind IS DISTINCT FROM q.instrument
            """,
            "homework of a missing session or provider": f"""
                SELECT count(*) FROM {t["Assignment"]} a
                LEFT JOIN {t["Session"]} s ON s.id = a.session_id
                LEFT JOIN {t["CareProvider"]} p ON p.id = a.created_by_id
                WHERE s.id IS NULL OR p.clinic_id IS DISTINCT FROM s.clinic_id
            """,
            "feedback of another clinic than its session or author": f"""
                SELECT count(*) FROM {t["Feedback"]} f
                LEFT JOIN {t["Assignment"]} a ON a.id = f.assignment_id
                LEFT JOIN {t["Session"]} s ON s.id = a.session_id
                LEFT JOIN {t["CareProvider"]} p ON p.id = f.author_id
                WHERE s.clinic_id IS DISTINCT FROM f.clinic_id
                   OR p.clinic_id IS DISTINCT FROM f.clinic_id
            """,
            "messages of another clinic than their session, or by a missing author": f"""
                SELECT count(*) FROM {t["Message"]} m
                LEFT JOIN {t["Session"]} s ON s.id = m.session_id
                LEFT JOIN {t["User"]} u ON u.id = m.author_id
                WHERE s.clinic_id IS DISTINCT FROM m.clinic_id OR u.id IS NULL
            """,
            "sessions whose latest message the trigger would have set otherwise": f"""
                SELECT count(*) FROM {t["Session"]} s
                LEFT JOIN (SELECT session_id, max(id) AS m FROM {t["Message"]} GROUP BY 1) x
                  ON x.session_id = s.id
                WHERE s.last_message_id IS DISTINCT FROM x.m
            """,
            "read positions of a missing session or person": f"""
                SELECT count(*) FROM {t["ReadPosition"]} r
                LEFT JOIN {t["Session"]} s ON s.id = r.session_id
                LEFT JOIN {t["User"]} u ON u.id = r.user_id
                WHERE s.id IS NULL OR u.id IS NULL
            """,
            "care-team members of two clinics": f"""
                SELECT count(*) FROM {t["CareTeamMembership"]} m
                LEFT JOIN {t["Client"]} c ON c.id = m.client_id
                LEFT JOIN {t["CareProvider"]} p ON p.id = m.provider_id
                WHERE c.clinic_id IS DISTINCT FROM p.clinic_id OR c.id IS NULL
            """,
            "people with two roles, or a role without a person or clinic": f"""
                SELECT (SELECT count(*) FROM {t["CareProvider"]} p
                        JOIN {t["Client"]} c ON c.user_id = p.user_id)
                     + (SELECT count(*) FROM {t["CareProvider"]} p
                        LEFT JOIN {t["User"]} u ON u.id = p.user_id
                        LEFT JOIN {t["Clinic"]} k ON k.id = p.clinic_id
                        WHERE u.id IS NULL OR k.id IS NULL)
                     + (SELECT count(*) FROM {t["Client"]} c
                        LEFT JOIN {t["User"]} u ON u.id = c.user_id
                        LEFT JOIN {t["Clinic"]} k ON k.id = c.clinic_id
                        WHERE u.id IS NULL OR k.id IS NULL)
                     + (SELECT count(*) FROM {t["EmailAddress"]} e
                        LEFT JOIN {t["User"]} u ON u.id = e.user_id WHERE u.id IS NULL)
            """,
        }
        broken = {}
        for label, sql in checks.items():
            cursor.execute(sql)
            n = cursor.fetchone()[0]
            if n:
                broken[label] = n
        if broken:
            raise CommandError(f"Inconsistent load data, nothing was saved: {broken}")

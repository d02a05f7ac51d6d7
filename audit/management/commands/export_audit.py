import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.models import AuditEvent

FIELDS = [
    "at",
    "user_email",
    "role",
    "clinic_id",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "method",
    "path",
    "status_code",
    "ip",
    "request_id",
    "client_request_id",
    "listed_ids",
    "listed_count",
]


def _moment(value, name):
    moment = parse_datetime(value)
    if moment is None:
        raise CommandError(f"--{name} must be an ISO 8601 date and time, e.g. 2026-01-31T00:00Z")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, timezone.utc)


class Command(BaseCommand):
    help = "Write the audit events between --since and --until as JSON lines."

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="ISO 8601, inclusive")
        parser.add_argument("--until", required=True, help="ISO 8601, exclusive")

    def handle(self, *args, since, until, **options):
        start, end = _moment(since, "since"), _moment(until, "until")
        if end <= start:
            raise CommandError("--until must be after --since.")
        events = AuditEvent.objects.filter(at__gte=start, at__lt=end).order_by("at", "pk")
        count = 0
        for values in events.values("pk", "user_id", *FIELDS).iterator(chunk_size=2000):
            values["id"] = values.pop("pk")
            values["at"] = values["at"].isoformat()
            self.stdout.write(json.dumps(values, sort_keys=True))
            count += 1
        self.stderr.write(f"{count} events")

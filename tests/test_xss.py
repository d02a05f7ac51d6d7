"""Hostile input (issue 6, point 7): XSS payloads through every free-text field, by the
pages' forms and by the JSON API, then every page that shows them parsed as a browser
parses it (html5lib): no element or attribute that executes, and each payload shown as
the plain text it was typed as.

The free-text fields: a person's full name, email address and title (invitation form),
homework title and instructions (schedule form and its homework formset, homework form,
API), answers, feedback, messages (pages of both roles, API) and close notes. One world is
built per module, through the real HTTP endpoints, inside a transaction that is rolled back
at the end; each page test reads it. Homework titles and instructions get one payload each;
names and titles as many as fit in 120 characters; messages, answers and feedback as many as
fit in 300; close notes (one a session) all of them. Escaping depends on where a text is
put in the page, not on what shares the field with it."""

import datetime as dt
import itertools
import json
import re
from dataclasses import dataclass, field

import html5lib
import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.db import transaction
from django.test import Client as HttpClient
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from clinic.models import CareProvider, Client, User
from sessions_app import selectors
from sessions_app.models import Assignment, Feedback, Message, Session

from .factories import ClinicFactory, ProviderFactory, UserFactory

# --- the payloads ---------------------------------------------------------------------------

PAYLOADS = [
    # Script elements.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    "<script\x0c>alert(1)</script>",
    "<script/xss src=//evil.example/x.js></script>",
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(document.cookie)">',
    "<IMG SRC=javascript:alert('XSS')>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<x contenteditable onblur=alert(1)>lose focus</x>",
    # SVG and MathML.
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><script xlink:href="data:,alert(1)"></script></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text y="20">XSS</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">CLICK</math>',
    # Frames and plug-ins.
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    # javascript:, vbscript: and data: URLs.
    '<a href="javascript:alert(1)">click me</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href=" &#14;  javascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">e</a>',
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    "javascript:alert(1)",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<button formaction="javascript:alert(1)">go</button>',
    # Breaking out of attributes and raw-text elements.
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    '" onmouseover="alert(1)" x="',
    "' onfocus='alert(1)' autofocus x='",
    '" autofocus onfocus=alert(1) "',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    "</option></select><img src=x onerror=alert(1)>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<![CDATA[<script>alert(1)</script>]]>",
    # Broken markup and filter evasion.
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1)//<</script>",
    '<img src="x',
    "<script>/*",
    "<a href='javascript:alert(1)'",
    # The page's head.
    '<base href="//evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    # CSS.
    '<div style="background:url(javascript:alert(1))">css</div>',
    '<div style="width:expression(alert(1))">ie</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    # Template syntax: shown, never evaluated.
    "{{ 7|add:7 }} {% debug %} {{ request.user.password }}",
    "{% csrf_token %}{% load static %}{{ settings.SECRET_KEY }}",
    "${alert(1)} #{alert(1)} {{constructor.constructor('alert(1)')()}}",
    # Escaped and Unicode variants: shown as typed, never decoded.
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "\u202e<script>alert(1)</script>\u202c",
    "<scr\u200bipt>alert(1)</script>",
    "line one\n<script>\nalert(1)\n</script>\nline five",
    '"}]}</script><script>alert(1)</script>',
]

# Quoted local parts make these valid email addresses (RFC 5321, Django's EmailValidator).
HOSTILE_EMAILS = [
    '"<script>alert(1)</script>"@example.test',
    '"<img\\ src=x\\ onerror=alert(1)>"@example.test',
    '"\\"><svg/onload=alert(1)>"@example.test',
    '"\'><iframe/src=javascript:alert(1)>"@example.test',
]

NAME_MAX = 120  # a provider's title; full names may have 150
NOTE_SEPARATOR = "\n"


def pack(texts, limit, separator=" "):
    """The texts joined into as few strings of at most `limit` characters as possible, in
    order (each text whole in exactly one string)."""
    packs, current = [], ""
    for text in texts:
        assert len(text) <= limit, text
        candidate = f"{current}{separator}{text}" if current else text
        if len(candidate) > limit:
            packs.append(current)
            candidate = text
        current = candidate
    packs.append(current)
    return packs


ALL_PAYLOADS = NOTE_SEPARATOR.join(PAYLOADS)
NAMES = pack(PAYLOADS, NAME_MAX)
# Several payloads a message, an answer or a feedback: at most 300 characters, what the
# portal's dashboard shows of a feedback before it cuts.
TEXTS = pack(PAYLOADS, 300, NOTE_SEPARATOR)


def test_there_are_at_least_fifty_payloads():
    assert len(set(PAYLOADS)) == len(PAYLOADS) >= 50
    assert len(ALL_PAYLOADS) <= 5000  # notes, feedback and messages take 5,000 characters
    assert all(len(name) <= NAME_MAX for name in NAMES)
    assert NOTE_SEPARATOR.join(TEXTS) == ALL_PAYLOADS


# --- what executes --------------------------------------------------------------------------

STATIC = "/static/"
ADMIN_JSI18N = "/admin/jsi18n/"
# Elements that run code or load a document, and those that change the whole page.
FORBIDDEN = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "math",
    "portal",
    "style",
    "noembed",
    "isindex",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "background",
    "poster",
    "lowsrc",
    "dynsrc",
    "codebase",
    "srcset",
    "ping",
    "xlink:href",
}
DANGEROUS_CSS = re.compile(r"expression\s*\(|javascript:|behavior\s*:|-moz-binding", re.I)
# Browsers drop these from a URL before reading its scheme.
URL_NOISE = re.compile(r"[\x00-\x20]")


def local_name(name):
    return name.rsplit("}", 1)[-1].lower()


def dangerous_url(value, tag):
    url = URL_NOISE.sub("", value).lower()
    if url.startswith(("javascript:", "vbscript:", "livescript:")):
        return True
    if url.startswith("data:"):
        return not (tag == "img" and re.match(r"data:image/(png|gif|jpe?g|webp);", url))
    return False


def script_allowed(attrs, text, allowed_sources):
    src = attrs.get("src")
    if src is not None:
        return src.startswith(allowed_sources) and not text.strip()
    if attrs.get("type") == "application/json":
        json.loads(text)  # data the page's own script reads, and nothing else
        return True
    return False


def parse(html):
    """The document a browser builds from this HTML."""
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)


def executable(document, *, allow_svg=False, allowed_sources=(STATIC,)):
    """Every element and attribute of the document that runs script or loads another
    document, but the page's own static scripts and JSON data."""
    found = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        tag = local_name(element.tag)
        # Namespaced attributes (SVG's xlink:href) by their local name.
        attrs = {local_name(name): value for name, value in element.attrib.items()}
        text = "".join(element.itertext())
        if tag == "script" and not script_allowed(attrs, text, allowed_sources):
            found.append(f"<script {attrs}>{text[:80]}")
        if tag in FORBIDDEN or (tag == "svg" and not allow_svg):
            found.append(f"<{tag} {attrs}>")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            found.append(f"<meta {attrs}>")
        if tag == "link" and not attrs.get("href", "").startswith(STATIC):
            found.append(f"<link {attrs}>")
        for name, value in attrs.items():
            handler = name.startswith("on") or name == "srcdoc"
            if handler or (name in URL_ATTRIBUTES and dangerous_url(value, tag)):
                found.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and DANGEROUS_CSS.search(value):
                found.append(f"<{tag} style={value!r}>")
    return found


def shown(document):
    """Everything a person can read on the page: its text and its attribute values."""
    texts = ["".join(document.itertext())]
    for element in document.iter():
        if isinstance(element.tag, str):
            texts.extend(element.attrib.values())
    return "\n".join(texts)


def assert_safe(response, expected=(), *, admin=False):
    """The page parses to nothing that executes, and shows each expected text as typed."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/html")
    assert response["X-Content-Type-Options"] == "nosniff"
    # Decoded as the browser would: by the charset the header names.
    document = parse(response.content.decode(response.charset))
    sources = (STATIC, ADMIN_JSI18N) if admin else (STATIC,)
    found = executable(document, allow_svg=admin, allowed_sources=sources)
    assert not found, f"{response.wsgi_request.path}: {found[:10]}"
    text = shown(document)
    missing = [value for value in expected if value.strip() not in text]
    assert not missing, f"{response.wsgi_request.path} does not show {missing[:5]}"
    return document


def assert_json(response, status=None):
    """An API answer is JSON (a refusal: problem details, RFC 9457), and browsers are told
    never to guess otherwise."""
    if status is not None:
        assert response.status_code == status, response.content[:500]
    json_type = "application/problem+json" if response.status_code >= 400 else "application/json"
    assert response["Content-Type"].split(";")[0] == json_type
    assert response["X-Content-Type-Options"] == "nosniff"
    return response.json()


def test_the_checker_finds_what_executes():
    """The checks themselves: each payload with markup, put in a page unescaped, is caught
    (it executes, or it is not shown as typed)."""
    for payload in PAYLOADS:
        if "<" not in payload:
            continue  # text that is harmless even unescaped
        html = f"<!DOCTYPE html><html><head><title>t</title></head><body><p>{payload}</p>"
        document = parse(html)
        caught = executable(document) or payload.strip() not in shown(document)
        assert caught, payload
    clean = parse(
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="/static/a.css"></head><body>'
        '<script src="/static/a.js"></script><script type="application/json">{"a": 1}</script>'
        '<a href="/provider/">ok</a><img src="data:image/png;base64,AAAA"></body></html>'
    )
    assert executable(clean) == []
    for bad in [
        '<a href=" JaVa\tScRiPt:x">',
        '<script src="//evil.example/a.js"></script>',
        "<script>1</script>",
        '<svg><a xlink:href="javascript:1">x</a></svg>',
        '<form><button formaction="javascript:1">',
        '<meta http-equiv="Refresh" content="0">',
        '<div style="x:expression(1)">',
        '<iframe srcdoc="x">',
        '<a href="data:text/html,x">',
    ]:
        assert executable(parse(bad), allow_svg=True), bad


# --- the world ------------------------------------------------------------------------------


@dataclass
class World:
    clinic: object
    ava: CareProvider
    ben: CareProvider
    root: User
    providers: list = field(default_factory=list)  # (CareProvider, name) invited, by index
    clients: list = field(default_factory=list)  # (Client, name) invited, by index
    emails: list = field(default_factory=list)  # the invitation emails
    own_sessions: dict = field(default_factory=dict)  # each client's session (by client pk)
    homework_sessions: list = field(default_factory=list)  # the main client's, with homework
    feedback_sessions: list = field(default_factory=list)  # closed, with every feedback
    message_sessions: list = field(default_factory=list)  # where the messages are
    invitation_pages: list = field(default_factory=list)  # (email, the link's page)

    @property
    def main(self):
        return self.clients[0][0]


def local(moment, tz):
    return timezone.localtime(moment, tz).strftime("%Y-%m-%dT%H:%M")


def check_redirect(response):
    assert response.status_code == 302, (response.status_code, response.content[:2000])


def page_client(user):
    http = HttpClient()
    http.force_login(user)
    return http


def api_client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def invite(http, **data):
    response = http.post(reverse("clinic:invite"), data)
    check_redirect(response)


def schedule_by_form(http, *, client, provider, start, length, repeat=1, homework=()):
    tz = client.clinic.tzinfo
    data = {
        "client": str(client.uuid),
        "provider": str(provider.uuid),
        "starts_at": local(start, tz),
        "ends_at": local(start + length, tz),
        "repeat": repeat,
        "homework_applies_to": "all",
        "homework-TOTAL_FORMS": len(homework),
        "homework-INITIAL_FORMS": 0,
        "homework-MIN_NUM_FORMS": 0,
        "homework-MAX_NUM_FORMS": 20,
    }
    for index, (title, instructions) in enumerate(homework):
        data[f"homework-{index}-title"] = title
        data[f"homework-{index}-instructions"] = instructions
        data[f"homework-{index}-due_at"] = ""
    response = http.post(reverse("sessions_app:provider-session-schedule"), data, follow=True)
    assert response.redirect_chain, response.content
    # The series page the form leads to says what was scheduled, with whom.
    assert_safe(response, [client.user.full_name, provider.user.full_name])
    uuids = [row.uuid for row in response.context_data["sessions"]]
    return list(Session.objects.filter(uuid__in=uuids).order_by("sequence"))


def schedule_by_api(api, *, client, provider, start, length, repeat=1, homework=()):
    response = api.post(
        "/api/v1/sessions/",
        {
            "client": str(client.uuid),
            "provider": str(provider.uuid),
            "starts_at": start.isoformat(),
            "ends_at": (start + length).isoformat(),
            "repeat": repeat,
            "homework": [{"title": t, "instructions": i} for t, i in homework],
        },
        format="json",
    )
    body = assert_json(response, 201)
    given = sorted(
        (item["title"], item["instructions"]) for item in body["sessions"][0]["assignments"]
    )
    assert given == sorted(
        (title.strip(), instructions.strip()) for title, instructions in homework
    )
    return list(Session.objects.filter(series_id=body["series_id"]).order_by("sequence"))


def api_post(api, path, data, status, echo=None):
    body = assert_json(api.post(path, data, format="json"), status)
    if echo is not None:
        key, value = echo
        assert body[key] == value.strip()
    return body


def homework_batches():
    """Every payload as a homework title and its instructions, 20 to a request (the most
    a schedule form or request takes)."""
    items = [(payload, payload) for payload in PAYLOADS]
    return [items[i : i + 20] for i in range(0, len(items), 20)]


def invite_everyone(world, admin_page):
    """A provider and a client for each name, invited through the form; the first names
    with hostile email addresses."""
    for index, name in enumerate(NAMES):
        email = HOSTILE_EMAILS[index] if index < len(HOSTILE_EMAILS) else None
        invite(
            admin_page,
            role="provider",
            full_name=name,
            title=name,
            email=email or f"provider{index}@northside.test",
        )
        provider = CareProvider.objects.get(user__full_name=name)
        world.providers.append((provider, name))
        invite(
            admin_page,
            role="client",
            full_name=name,
            email=f"client{index}@northside.test",
            care_team=[world.ava.uuid, world.ben.uuid, provider.uuid],
        )
        world.clients.append((Client.objects.get(user__full_name=name), name))


def build_world():
    now = timezone.now()
    clinic = ClinicFactory(name="Northside Therapy", slug="northside", time_zone="America/New_York")
    ava = ProviderFactory(
        clinic=clinic,
        user__email="ava@northside.test",
        user__full_name="Ava Admin",
        is_clinic_admin=True,
    )
    ben = ProviderFactory(clinic=clinic, user__email="ben@northside.test", user__full_name="Ben")
    root = UserFactory(email="root@example.test", is_staff=True, is_superuser=True)
    world = World(clinic=clinic, ava=ava, ben=ben, root=root)
    admin_page, admin_api = page_client(ava.user), api_client(ava.user)

    # People: a provider and a client for each name, invited through the form.
    with TestCase.captureOnCommitCallbacks(execute=True):
        invite_everyone(world, admin_page)
    world.emails = list(mail.outbox)
    # The invitation's page, while its link works (logging in ends it).
    for message in world.emails:
        link = re.search(r"http://testserver(/invitation/[^/\s]+/)", message.body).group(1)
        world.invitation_pages.append((message.to[0], HttpClient().get(link)))
    for provider, _ in world.providers:
        # Set up as a provider would before seeing client records.
        TOTP.activate(provider.user, generate_totp_secret())

    # The main client's care team: everyone, through the care-team form.
    main = world.main
    check_redirect(
        admin_page.post(
            reverse("clinic:care-team-edit", args=[main.uuid]),
            {"care_team": [ava.uuid, ben.uuid, *(p.uuid for p, _ in world.providers)]},
        )
    )

    # Each client's session, held by the provider of the same name, in progress.
    for index, ((client, _), (provider, _)) in enumerate(
        zip(world.clients, world.providers, strict=True)
    ):
        schedule = schedule_by_form if index % 2 == 0 else schedule_by_api
        sessions = schedule(
            admin_page if index % 2 == 0 else admin_api,
            client=client,
            provider=provider,
            start=now - dt.timedelta(days=1),
            length=dt.timedelta(days=7),
        )
        world.own_sessions[client.pk] = sessions[0]

    # The main client's homework: every payload as a title and instructions, by the
    # schedule form and by the API. Each request schedules two sessions: the first is
    # overdue and its homework answered (waiting for feedback), the second in progress
    # with the same homework to do.
    main_page, main_api = page_client(main.user), api_client(main.user)
    # Each request its own weeks, before the client's own session: Ava's never overlap.
    length = dt.timedelta(days=3)
    # (to the minute: the form's inputs have no seconds; a day apart: DST changes).
    week = now.replace(second=0, microsecond=0)
    starts = (week - dt.timedelta(days=7 + 7 * k) for k in itertools.count())
    for batch in homework_batches():
        for schedule, http in ((schedule_by_form, admin_page), (schedule_by_api, admin_api)):
            sessions = schedule(
                http,
                client=main,
                provider=ava,
                start=next(starts),
                length=length,
                repeat=2,
                homework=batch,
            )
            world.homework_sessions.extend(sessions)
    # Answers, by the portal's form to the form's homework and by the API to the API's.
    overdue = world.homework_sessions[::2]
    by_form = Assignment.objects.filter(session__in=overdue[::2]).order_by("pk")
    by_api = Assignment.objects.filter(session__in=overdue[1::2]).order_by("pk")
    for text, assignment in zip(TEXTS, by_form, strict=False):
        url = reverse("sessions_app:portal-assignment-submit", args=[assignment.uuid])
        check_redirect(main_page.post(url, {"response": text}))
    for text, assignment in zip(TEXTS, by_api, strict=False):
        url = f"/api/v1/assignments/{assignment.uuid}/submit/"
        api_post(main_api, url, {"response": text}, 200, echo=("response", text))

    # Homework given in an open session, by the homework form and by the API.
    form_session, api_session = world.homework_sessions[1], world.homework_sessions[3]
    check_redirect(
        admin_page.post(
            reverse("sessions_app:provider-assignment-add", args=[form_session.uuid]),
            {"title": NAMES[0], "instructions": ALL_PAYLOADS, "due_at": ""},
        )
    )
    api_post(
        admin_api,
        f"/api/v1/sessions/{api_session.uuid}/assignments/",
        {"title": NAMES[-1], "instructions": ALL_PAYLOADS},
        201,
        echo=("instructions", ALL_PAYLOADS),
    )

    # Feedback: every payload as feedback on an answer made of every payload, by the
    # pages and by the API; then the session closes with every payload as its note.
    for by_form in (True, False):
        homework = [("Feedback target", "Answer with everything.")]
        if by_form:
            session = schedule_by_form(
                admin_page,
                client=main,
                provider=ava,
                start=next(starts),
                length=length,
                homework=homework,
            )[0]
            assignment = session.assignments.get()
            check_redirect(
                main_page.post(
                    reverse("sessions_app:portal-assignment-submit", args=[assignment.uuid]),
                    {"response": ALL_PAYLOADS},
                )
            )
            for text in TEXTS:
                check_redirect(
                    admin_page.post(
                        reverse("sessions_app:provider-feedback-give", args=[assignment.uuid]),
                        {"body": text},
                    )
                )
            check_redirect(
                admin_page.post(
                    reverse("sessions_app:provider-session-close", args=[session.uuid]),
                    {"note": ALL_PAYLOADS},
                )
            )
        else:
            session = schedule_by_api(
                admin_api,
                client=main,
                provider=ava,
                start=next(starts),
                length=length,
                homework=homework,
            )[0]
            assignment = session.assignments.get()
            api_post(
                main_api,
                f"/api/v1/assignments/{assignment.uuid}/submit/",
                {"response": ALL_PAYLOADS},
                200,
                echo=("response", ALL_PAYLOADS),
            )
            for text in TEXTS:
                api_post(
                    admin_api,
                    f"/api/v1/assignments/{assignment.uuid}/feedback/",
                    {"body": text},
                    201,
                    echo=("body", text),
                )
            api_post(
                admin_api,
                f"/api/v1/sessions/{session.uuid}/close/",
                {"note": ALL_PAYLOADS},
                200,
                echo=("close_note", ALL_PAYLOADS),
            )
        world.feedback_sessions.append(session)

    # Messages: every payload by the pages' forms (the client's and a provider's in turn)
    # in one session, and by the API in another; and one from each invited provider.
    form_thread, api_thread = world.homework_sessions[0], world.homework_sessions[2]
    world.message_sessions = [form_thread, api_thread]
    for index, text in enumerate(TEXTS):
        if index % 2 == 0:
            url = reverse("sessions_app:portal-message-post", args=[form_thread.uuid])
            check_redirect(main_page.post(url, {"body": text}))
            api = admin_api
        else:
            url = reverse("sessions_app:provider-message-post", args=[form_thread.uuid])
            check_redirect(admin_page.post(url, {"body": text}))
            api = main_api
        api_post(
            api,
            f"/api/v1/sessions/{api_thread.uuid}/messages/",
            {"body": text},
            201,
            echo=("body", text),
        )
    for index, (provider, name) in enumerate(world.providers):
        if index % 2 == 0:
            url = reverse("sessions_app:provider-message-post", args=[form_thread.uuid])
            check_redirect(page_client(provider.user).post(url, {"body": name}))
        else:
            api_post(
                api_client(provider.user),
                f"/api/v1/sessions/{api_thread.uuid}/messages/",
                {"body": name},
                201,
            )
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once for the module's tests and rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            built = build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def everything_on_one_page(monkeypatch):
    """Dashboards and lists show every row (they stop at 10 or 25 otherwise); the rows
    are rendered by the same templates either way."""
    monkeypatch.setattr(selectors, "DASHBOARD_LIMIT", 1000)
    monkeypatch.setattr(selectors, "SESSION_LIST_PAGE_SIZE", 1000)
    monkeypatch.setattr(selectors, "LATEST_FEEDBACK", 1000)


pytestmark = pytest.mark.usefixtures("everything_on_one_page")


# --- provider pages -------------------------------------------------------------------------


def names_of(pairs):
    return [name for _, name in pairs]


def test_provider_dashboard(db, world):
    page = page_client(world.ava.user)
    waiting = Assignment.objects.filter(submitted_at__isnull=False, feedback__isnull=True)
    titles = list(waiting.filter(session__status="open").values_list("title", flat=True))
    assert len(titles) == 2 * len(TEXTS)
    assert_safe(
        page.get(reverse("sessions_app:provider-dashboard")),
        [*names_of(world.clients), *names_of(world.providers), *titles],
    )


def test_provider_session_list(db, world):
    page = page_client(world.ava.user)
    expected = [*names_of(world.clients), *names_of(world.providers)]
    assert_safe(page.get(reverse("sessions_app:provider-session-list")), expected)
    # Hostile filter values are named on the page, and shown back as typed.
    filters = ("client", "provider", "status", "starts_after", "starts_before", "timing")
    for start in range(0, len(NAMES), len(filters)):
        values = dict(zip(filters, NAMES[start : start + len(filters)], strict=False))
        response = page.get(reverse("sessions_app:provider-session-list"), values)
        document = assert_safe(response, values.values())
        # Each is marked as a filter left out.
        invalid = {e.get("name") for e in document.iter() if e.get("aria-invalid") == "true"}
        assert invalid == set(values)


def test_provider_session_detail(db, world):
    page = page_client(world.ava.user)
    everyone = [*names_of(world.providers), world.clients[0][1]]
    for session in [*world.homework_sessions, *world.feedback_sessions]:
        session = Session.objects.get(pk=session.pk)
        expected = [world.clients[0][1]]
        for assignment in session.assignments.prefetch_related("feedback"):
            expected += [assignment.title, assignment.instructions, assignment.response]
            expected += [f.body for f in assignment.feedback.all()]
        expected += [m.body for m in session.messages.all()]
        if session.close_note:
            expected.append(session.close_note)
        if session in world.message_sessions:
            expected += everyone
        response = page.get(reverse("sessions_app:provider-session-detail", args=[session.uuid]))
        assert_safe(response, expected)
    for (client, name), (_, provider_name) in zip(world.clients, world.providers, strict=True):
        session = world.own_sessions[client.pk]
        response = page.get(reverse("sessions_app:provider-session-detail", args=[session.uuid]))
        assert_safe(response, [name, provider_name])


def test_close_confirmation(db, world):
    page = page_client(world.ava.user)
    for session in world.homework_sessions:
        titles = [a.title for a in session.assignments.all()]
        response = page.get(reverse("sessions_app:provider-session-close", args=[session.uuid]))
        assert_safe(response, [world.clients[0][1], *titles])
    for client, name in world.clients:
        session = world.own_sessions[client.pk]
        response = page.get(reverse("sessions_app:provider-session-close", args=[session.uuid]))
        assert_safe(response, [name])


def test_schedule_pages(db, world):
    page = page_client(world.ava.user)
    expected = [*names_of(world.clients), *names_of(world.providers)]
    assert_safe(page.get(reverse("sessions_app:provider-session-schedule")), expected)
    closed = world.feedback_sessions[0]
    response = page.get(reverse("sessions_app:provider-session-next", args=[closed.uuid]))
    assert_safe(response, [*expected, world.clients[0][1]])


def test_meeting_place_video_link_and_cancel_reason(db, world):
    """Section 9's free text: a meeting's place and video link (schedule and change forms),
    a cancellation's reason; a link that would run script is refused."""
    page = page_client(world.ava.user)
    main, tz = world.main, world.clinic.tzinfo
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=60)
    hostile_link = 'https://video.example/"><script>alert(1)</script>'
    base = {
        "client": str(main.uuid),
        "provider": str(world.ava.uuid),
        "repeat": 1,
        "homework_applies_to": "all",
        "meeting_minutes": 50,
        "homework-TOTAL_FORMS": 0,
        "homework-INITIAL_FORMS": 0,
    }
    sessions = []
    for index, name in enumerate(NAMES):
        begin = start + dt.timedelta(days=7 * index)
        data = base | {
            "starts_at": local(begin, tz),
            "ends_at": local(begin + dt.timedelta(days=7), tz),
            "meeting_starts_at": local(begin + dt.timedelta(hours=1), tz),
            "meeting_place": name,
            "meeting_video_url": hostile_link,
        }
        response = page.post(reverse("sessions_app:provider-session-schedule"), data, follow=True)
        assert_safe(response, [main.user.full_name])
        session = Session.objects.get(uuid=response.context_data["sessions"][0].uuid)
        assert session.meeting_place == name.strip()
        sessions.append(session)
    detail = reverse("sessions_app:provider-session-detail", args=[sessions[0].uuid])
    document = assert_safe(page.get(detail), [NAMES[0], hostile_link])
    [link] = [a for a in document.iter("a") if a.get("href", "").startswith("https://video")]
    assert link.get("href") == hostile_link and link.get("rel") == "noopener noreferrer"
    # javascript: and other schemes are refused, and the form shows them back as text.
    change = reverse("sessions_app:provider-session-change", args=[sessions[0].uuid])
    for link_text in ("javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>"):
        response = page.post(change, {"meeting_video_url": link_text, "provider": NAMES[1]})
        assert_safe(response, [link_text])
    refused = {
        "provider": str(world.ava.uuid),
        "meeting_starts_at": local(sessions[0].meeting_starts_at, tz),
        "meeting_minutes": 50,
        "meeting_place": NAMES[-1],
        "meeting_video_url": "javascript:alert(1)",
        "starts_at": local(sessions[0].starts_at, tz),
        "ends_at": local(sessions[0].ends_at, tz),
    }
    assert_safe(page.post(change, refused), [NAMES[-1], "javascript:alert(1)"])
    assert Session.objects.get(pk=sessions[0].pk).meeting_video_url == hostile_link
    # Changed to another hostile place: the history shows both, before and after.
    response = page.post(change, refused | {"meeting_video_url": ""}, follow=True)
    assert_safe(response, [NAMES[0], NAMES[-1]])
    # Cancelled with every payload as its reason: the banner and the history show it.
    cancel = reverse("sessions_app:provider-session-cancel", args=[sessions[1].uuid])
    assert_safe(page.post(cancel, {"reason": ALL_PAYLOADS + "x" * 5000}), [ALL_PAYLOADS])
    response = page.post(cancel, {"reason": ALL_PAYLOADS}, follow=True)
    assert Session.objects.get(pk=sessions[1].pk).is_cancelled
    assert_safe(response, lines([ALL_PAYLOADS]))
    for url in (
        reverse("sessions_app:provider-session-list"),
        reverse("sessions_app:provider-client-detail", args=[main.uuid]),
        reverse("sessions_app:provider-series-detail", args=[sessions[1].series_id]),
        reverse("sessions_app:provider-session-cancel", args=[sessions[2].uuid]),
        reverse("sessions_app:provider-session-change", args=[sessions[2].uuid]),
    ):
        assert_safe(page.get(url), [world.clients[0][1]])


def test_clients_list_and_timelines(db, world):
    page = page_client(world.ava.user)
    assert_safe(
        page.get(reverse("sessions_app:provider-client-list")),
        [*names_of(world.clients)],
    )
    for (client, name), (_, provider_name) in zip(world.clients, world.providers, strict=True):
        response = page.get(reverse("sessions_app:provider-client-detail", args=[client.uuid]))
        assert_safe(response, [name, provider_name])


def test_clinic_people_care_team_and_audit_pages(db, world):
    page = page_client(world.ava.user)
    emails = [u.email for u in User.objects.filter(email__startswith='"')]
    assert len(emails) == len(HOSTILE_EMAILS)
    everyone = [*names_of(world.clients), *names_of(world.providers)]
    assert_safe(page.get(reverse("clinic:people")), [*everyone, *emails])
    main = world.main
    response = page.get(reverse("clinic:care-team-edit", args=[main.uuid]))
    assert_safe(response, [world.clients[0][1], *names_of(world.providers)])
    assert_safe(page.get(reverse("clinic:audit")))


def test_people_page_buttons_edit_deactivate_hand_over_and_audit_words(db, world):
    """The people page's new pages (issue 18) show hostile names and titles as text: the
    edit forms, the deactivation question, the hand-over list, and the audit sentences."""
    page = page_client(world.ava.user)
    everyone = [*names_of(world.clients), *names_of(world.providers)]
    for (client, name), (provider, provider_name) in list(
        zip(world.clients, world.providers, strict=True)
    )[:3]:
        assert_safe(page.get(reverse("clinic:client-edit", args=[client.uuid])), [name])
        assert_safe(page.get(reverse("clinic:client-deactivate", args=[client.uuid])), [name])
        assert_safe(
            page.get(reverse("clinic:provider-edit", args=[provider.uuid])),
            [provider_name, *names_of(world.clients)],
        )
        assert_safe(
            page.get(reverse("clinic:provider-deactivate", args=[provider.uuid])),
            [provider_name],
        )
        # The sessions each provider holds, listed with their clients and their colleagues.
        assert_safe(page.get(reverse("clinic:provider-hand-over", args=[provider.uuid])), [name])
    # The audit sentences name the people whose records were changed.
    assert_safe(page.get(reverse("clinic:audit"), {"kind": "changes"}), names_of(world.clients))
    assert_safe(page.get(reverse("clinic:people")), everyone)


def test_forms_shown_again_with_hostile_values(db, world):
    """A refused form shows what was typed back in its fields: as text, never markup."""
    page = page_client(world.ava.user)
    for name in NAMES:
        # The address is taken: the form comes back with the name and title in its inputs.
        response = page.post(
            reverse("clinic:invite"),
            {"role": "provider", "full_name": name, "title": name, "email": "ben@northside.test"},
        )
        assert response.context["form"].errors
        assert_safe(response, [name])
    too_long = ALL_PAYLOADS + "x" * 5000
    session = world.homework_sessions[1]
    for url, data in [
        (reverse("sessions_app:provider-message-post", args=[session.uuid]), {"body": too_long}),
        (
            reverse("sessions_app:provider-assignment-add", args=[session.uuid]),
            {"title": too_long, "instructions": too_long},
        ),
        (reverse("sessions_app:provider-session-close", args=[session.uuid]), {"note": too_long}),
    ]:
        assert_safe(page.post(url, data), [too_long])
    assignment = world.homework_sessions[0].assignments.first()
    response = page.post(
        reverse("sessions_app:provider-feedback-give", args=[assignment.uuid]), {"body": too_long}
    )
    assert_safe(response, [too_long])
    response = page.post(
        reverse("sessions_app:provider-session-schedule"),
        {
            "client": NAMES[0],
            "provider": NAMES[1],
            "starts_at": NAMES[2],
            "ends_at": NAMES[3],
            "repeat": NAMES[4],
            "homework_applies_to": NAMES[5],
            "homework-TOTAL_FORMS": 1,
            "homework-INITIAL_FORMS": 0,
            "homework-0-title": too_long,
            "homework-0-instructions": too_long,
            "homework-0-due_at": NAMES[6],
        },
    )
    assert response.context_data["form"].errors
    assert_safe(response, [too_long, *NAMES[2:4]])
    portal = page_client(world.main.user)
    response = portal.post(
        reverse("sessions_app:portal-message-post", args=[session.uuid]), {"body": too_long}
    )
    assert_safe(response, [too_long])
    response = portal.post(
        reverse("sessions_app:portal-assignment-submit", args=[assignment.uuid]),
        {"response": too_long * 3},
    )
    assert_safe(response, [too_long * 3])


# --- the client portal ----------------------------------------------------------------------


def test_portal_dashboard(db, world):
    main = world.main
    to_do = [a.title for s in world.homework_sessions[1::2] for a in s.assignments.all()]
    feedback = list(Feedback.objects.values_list("body", flat=True))
    assert_safe(
        page_client(main.user).get(reverse("sessions_app:portal-dashboard")),
        [world.clients[0][1], *to_do, *feedback],
    )
    for (client, name), (_, provider_name) in zip(world.clients, world.providers, strict=True):
        response = page_client(client.user).get(reverse("sessions_app:portal-dashboard"))
        assert_safe(response, [name, provider_name])


def test_portal_session_list(db, world):
    for (client, name), (_, provider_name) in zip(world.clients, world.providers, strict=True):
        response = page_client(client.user).get(reverse("sessions_app:portal-session-list"))
        assert_safe(response, [name, provider_name])


def test_portal_session_detail(db, world):
    page = page_client(world.main.user)
    for session in [*world.homework_sessions, *world.feedback_sessions]:
        session = Session.objects.get(pk=session.pk)
        expected = [world.clients[0][1]]
        for assignment in session.assignments.prefetch_related("feedback"):
            expected += [assignment.title, assignment.instructions, assignment.response]
            expected += [f.body for f in assignment.feedback.all()]
        expected += [m.body for m in session.messages.all()]
        if session.close_note:
            expected.append(session.close_note)
        for message in session.messages.select_related("author__careprovider"):
            expected.append(message.author.full_name)
            if hasattr(message.author, "careprovider"):
                expected.append(message.author.careprovider.title or "Care provider")
        response = page.get(reverse("sessions_app:portal-session-detail", args=[session.uuid]))
        assert_safe(response, expected)
    for (client, name), (_, provider_name) in zip(world.clients, world.providers, strict=True):
        session = world.own_sessions[client.pk]
        response = page_client(client.user).get(
            reverse("sessions_app:portal-session-detail", args=[session.uuid])
        )
        assert_safe(response, [name, provider_name])


# --- the invitation: its email and its page -------------------------------------------------


def test_invitation_emails_are_plain_text(db, world):
    """The name goes into a text/plain email, unescaped (a plain-text email is never
    parsed as HTML; escaping would only garble the name), with no HTML part; the subject
    is one line."""
    assert len(world.emails) == 2 * len(NAMES)
    people = {u.email: u for u in User.objects.all()}
    for message in world.emails:
        person = people[message.to[0]]
        assert message.content_subtype == "plain"
        assert not getattr(message, "alternatives", None)
        assert not message.attachments
        rendered = message.message()
        assert rendered.get_content_type() == "text/plain"
        assert "\n" not in message.subject and "\r" not in message.subject
        assert person.full_name in message.body
        assert f"this email address: {person.email}" in message.body
        link = re.search(r"http://testserver(/invitation/[^/\s]+/)", message.body)
        assert link, message.body


def test_invitation_pages(db, world):
    people = {u.email: u for u in User.objects.all()}
    assert len(world.invitation_pages) == 2 * len(NAMES)
    for email, response in world.invitation_pages:
        person = people[email]
        assert_safe(response, [person.full_name, person.email])


# --- the Django admin -----------------------------------------------------------------------


def lines(texts):
    """The admin shows read-only text with <br> for its line breaks: each line is shown."""
    return [line for text in texts for line in text.splitlines() if line.strip()]


def admin_list(page, url, expected, **params):
    """Every page of an admin list is safe, and together they show the expected texts."""
    shown_texts, number, pages = [], 1, 1
    while number <= pages:
        response = page.get(url, {**params, "p": number})
        shown_texts.append(shown(assert_safe(response, admin=True)))
        pages = response.context["cl"].paginator.num_pages
        number += 1
    text = "\n".join(shown_texts)
    missing = [value for value in expected if value.strip() not in text]
    assert not missing, f"{url} does not show {missing[:5]}"


def test_admin_lists(db, world):
    page = page_client(world.root)
    everyone = [*names_of(world.clients), *names_of(world.providers)]
    titles = [a.title for s in world.homework_sessions for a in s.assignments.all()]
    for url, expected in [
        ("/admin/clinic/user/", [*everyone, *(u.email for u in User.objects.all())]),
        ("/admin/clinic/careprovider/", names_of(world.providers)),
        ("/admin/clinic/client/", names_of(world.clients)),
        ("/admin/sessions_app/session/", names_of(world.clients)),
        ("/admin/sessions_app/assignment/", titles),
        ("/admin/sessions_app/feedback/", ["Feedback target"]),
        ("/admin/sessions_app/message/", [world.clients[0][1], *names_of(world.providers)]),
    ]:
        admin_list(page, url, expected)
        # The search box shows the search back.
        admin_list(page, url, [NAMES[0]], q=NAMES[0])


def test_admin_change_pages(db, world):
    page = page_client(world.root)
    for provider, name in world.providers:
        assert_safe(
            page.get(f"/admin/clinic/careprovider/{provider.pk}/change/"), [name], admin=True
        )
        assert_safe(page.get(f"/admin/clinic/user/{provider.user_id}/change/"), [name], admin=True)
    main = world.main
    assert_safe(
        page.get(f"/admin/clinic/client/{main.pk}/change/"),
        [world.clients[0][1], *names_of(world.providers)],
        admin=True,
    )
    for session in [*world.homework_sessions[:4], *world.feedback_sessions]:
        session = Session.objects.get(pk=session.pk)
        titles = [a.title for a in session.assignments.all()]
        assert_safe(
            page.get(f"/admin/sessions_app/session/{session.pk}/change/"),
            [*titles, *lines([session.close_note])],
            admin=True,
        )
    for assignment in Assignment.objects.filter(session__in=world.feedback_sessions):
        assert_safe(
            page.get(f"/admin/sessions_app/assignment/{assignment.pk}/change/"),
            lines([assignment.response]),
            admin=True,
        )
    for model in (Feedback, Message):
        for obj in model.objects.order_by("?")[:10]:
            assert_safe(
                page.get(f"/admin/sessions_app/{model._meta.model_name}/{obj.pk}/change/"),
                lines([obj.body]),
                admin=True,
            )


# --- the API --------------------------------------------------------------------------------


def test_api_answers_are_json_that_browsers_do_not_sniff(db, world):
    """What the API gives back is the text as sent, in JSON, never HTML."""
    admin_api, main_api = api_client(world.ava.user), api_client(world.main.user)
    clients = assert_json(admin_api.get("/api/v1/clients/", {"page_size": 100}), 200)
    assert {c["name"] for c in clients["results"]} >= set(names_of(world.clients))
    assert assert_json(main_api.get("/api/v1/me/"), 200)["name"] == world.clients[0][1]
    for session in [*world.message_sessions, *world.feedback_sessions]:
        body = assert_json(admin_api.get(f"/api/v1/sessions/{session.uuid}/"), 200)
        if session in world.feedback_sessions:
            assert body["close_note"] == ALL_PAYLOADS
            assert [f["body"] for f in body["assignments"][0]["feedback"]] == TEXTS
        else:
            assert set(TEXTS) <= {m["body"] for m in body["messages"]}
    # Refusals that name what was sent are JSON too.
    for payload in NAMES:
        assert_json(admin_api.get("/api/v1/sessions/", {"client": payload}), 400)
        assert_json(admin_api.post("/api/v1/sessions/", {"client": payload}, format="json"), 400)


def test_api_meeting_place_video_link_and_cancel_reason_are_json_text(db, world):
    """Section 9's free text through the API (schedule, change, cancel): given back as sent,
    as JSON strings; refusals of it are JSON too."""
    admin_api, client = api_client(world.ava.user), world.clients[1][0]
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=400)
    hostile_link = 'https://video.example/"><script>alert(1)</script>'
    sessions = []
    for index, name in enumerate(NAMES):
        begin = start + dt.timedelta(days=7 * index)
        meeting = {"starts_at": begin.isoformat(), "place": name, "video_url": hostile_link}
        body = {
            "client": str(client.uuid),
            "starts_at": begin.isoformat(),
            "ends_at": (begin + dt.timedelta(days=7)).isoformat(),
            "meeting": meeting,
        }
        [session] = api_post(admin_api, "/api/v1/sessions/", body, 201)["sessions"]
        assert session["meeting"]["place"] == name.strip()
        assert session["meeting"]["video_url"] == hostile_link
        sessions.append(session)
    path = f"/api/v1/sessions/{sessions[0]['id']}/"
    meeting = {"starts_at": sessions[0]["starts_at"], "video_url": hostile_link}
    changed = admin_api.patch(path, {"meeting": {**meeting, "place": NAMES[0]}}, format="json")
    assert assert_json(changed, 200)["sessions"][0]["meeting"]["place"] == NAMES[0].strip()
    for link in ("javascript:alert(1)", "data:text/html,<b>x</b>"):
        refused = admin_api.patch(path, {"meeting": {**meeting, "video_url": link}}, format="json")
        assert_json(refused, 400)
    cancel = f"/api/v1/sessions/{sessions[1]['id']}/cancel/"
    assert_json(admin_api.post(cancel, {"reason": ALL_PAYLOADS + "x" * 5000}, format="json"), 400)
    body = api_post(admin_api, cancel, {"reason": ALL_PAYLOADS}, 200)
    assert body["sessions"][0]["cancel_reason"] == ALL_PAYLOADS
    listed = admin_api.get("/api/v1/sessions/", {"status": "cancelled", "client": str(client.uuid)})
    assert [s["cancel_reason"] for s in assert_json(listed, 200)["results"]] == [ALL_PAYLOADS]

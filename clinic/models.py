import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


def time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    is_staff = models.BooleanField(
        _("staff"),
        default=False,
        help_text=_("Can log in to the Django admin (platform operators)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Empty: the browser's language (Accept-Language), then English.
    language = models.CharField(
        _("language"), max_length=8, blank=True, choices=settings.LANGUAGES, default=""
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def provider_profile(self):
        return getattr(self, "careprovider", None)

    @property
    def client_profile(self):
        return getattr(self, "client", None)

    @property
    def role(self):
        """'provider', 'client' or '' (staff or a person with no role yet)."""
        if self.provider_profile is not None:
            return "provider"
        if self.client_profile is not None:
            return "client"
        return ""


class ApiToken(AbstractAuthToken):
    """A person's API token (knox's: only a hash of the key is kept), named, with its last use."""

    name = models.CharField(_("name"), max_length=100)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self):
        # Never any part of the key: token_key is its first characters.
        return self.name

    @property
    def is_expired(self):
        return self.expiry is not None and self.expiry <= timezone.now()


class Clinic(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=time_zone_choices, default="UTC"
    )
    # Shown to a client right after a questionnaire answer that flags a risk (DESIGN.md 12).
    crisis_contacts = models.TextField(
        _("crisis contacts"),
        blank=True,
        max_length=2000,
        help_text=_(
            "Who a client can call or text in a crisis, one per line (for example: "
            "“988 Suicide & Crisis Lifeline: call or text 988”)."
        ),
    )

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.time_zone)


class OneRolePerUserMixin:
    """Mirrors the database triggers that keep a user to at most one role."""

    other_role_model_name: str

    def clean(self):
        super().clean()
        if self.user_id is None:
            return
        other = self._meta.apps.get_model("clinic", self.other_role_model_name)
        if other.objects.filter(user_id=self.user_id).exists():
            raise ValidationError(
                {
                    "user": gettext(
                        "This person already has another role; a person has one role only."
                    )
                }
            )


class CareProviderQuerySet(models.QuerySet):
    def visible_to(self, user):
        clinic_id = clinic_id_of(user)
        if clinic_id is None:
            return self.none()
        return self.filter(clinic_id=clinic_id)


class CareProvider(OneRolePerUserMixin, models.Model):
    other_role_model_name = "Client"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="careprovider", verbose_name=_("person")
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="providers", verbose_name=_("clinic")
    )
    title = models.CharField(
        _("title"), max_length=120, blank=True, help_text=_("e.g. Clinical psychologist")
    )
    is_clinic_admin = models.BooleanField(
        _("clinic administrator"),
        default=False,
        help_text=_("May invite people and edit care teams in this clinic."),
    )

    objects = CareProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("care provider")
        verbose_name_plural = _("care providers")
        ordering = ["user__full_name"]
        indexes = [models.Index(fields=["clinic", "is_clinic_admin"], name="provider_clinic_admin")]

    def __str__(self):
        return self.user.full_name or self.user.email

    def clean(self):
        super().clean()
        if self.pk and self.clinic_id and self.clients.exclude(clinic_id=self.clinic_id).exists():
            raise ValidationError(
                {
                    "clinic": gettext(
                        "A provider on care teams cannot move to another clinic; "
                        "take them off those care teams first."
                    )
                }
            )

    @property
    def name(self):
        return str(self)


FUTURE_BIRTH_DATE = _("A date of birth cannot be in the future.")


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A provider sees the clients whose care team they are on, a client themselves."""
        provider = getattr(user, "careprovider", None) if user.is_authenticated else None
        if provider is not None:
            return self.filter(care_team=provider)
        client = getattr(user, "client", None) if user.is_authenticated else None
        if client is not None:
            return self.filter(pk=client.pk)
        return self.none()

    def of_clinic_admin(self, user):
        provider = getattr(user, "careprovider", None) if user.is_authenticated else None
        if provider is None or not provider.is_clinic_admin:
            return self.none()
        return self.filter(clinic_id=provider.clinic_id)


class Client(OneRolePerUserMixin, models.Model):
    other_role_model_name = "CareProvider"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="client", verbose_name=_("person")
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="clients", verbose_name=_("clinic")
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    care_team = models.ManyToManyField(
        CareProvider,
        through="CareTeamMembership",
        related_name="clients",
        blank=True,
        verbose_name=_("care team"),
    )

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["user__full_name"]

    def __str__(self):
        return self.user.full_name or self.user.email

    def clean(self):
        super().clean()
        if self.date_of_birth is not None and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": FUTURE_BIRTH_DATE})
        if self.pk and self.clinic_id and self.care_team.exclude(clinic_id=self.clinic_id).exists():
            raise ValidationError(
                {
                    "clinic": gettext(
                        "A client with a care team cannot move to another clinic; "
                        "change the care team first."
                    )
                }
            )

    @property
    def name(self):
        return str(self)


class CareTeamMembership(models.Model):
    """Provider and client of the same clinic, kept by a database trigger and clean()."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("client")
    )
    provider = models.ForeignKey(
        CareProvider,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("provider"),
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("care-team membership")
        verbose_name_plural = _("care-team memberships")
        constraints = [
            models.UniqueConstraint(fields=["client", "provider"], name="careteam_unique_member"),
        ]

    def __str__(self):
        return gettext("%(provider)s on the care team of %(client)s") % {
            "provider": self.provider,
            "client": self.client,
        }

    def clean(self):
        super().clean()
        if self.client_id and self.provider_id and self.client.clinic_id != self.provider.clinic_id:
            raise ValidationError(
                {"provider": gettext("Care-team members must belong to the client's clinic.")}
            )


def clinic_id_of(user):
    if not user.is_authenticated:
        return None
    for attr in ("careprovider", "client"):
        profile = getattr(user, attr, None)
        if profile is not None:
            return profile.clinic_id
    return None


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def of_clinic_admin(self, user):
        provider = getattr(user, "careprovider", None) if user.is_authenticated else None
        if provider is None or not provider.is_clinic_admin:
            return self.none()
        return self.filter(clinic_id=provider.clinic_id)


class Invitation(models.Model):
    """One invitation sent by a clinic. `user` is the account made for it; none when the address
    already had an account elsewhere (its owner is told so, and nothing of theirs changes)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("clinic")
    )
    email = models.EmailField(_("email address"), max_length=254)
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=10)
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("person"),
    )
    invited_by = models.ForeignKey(
        CareProvider,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    # Changed by every re-send: only the newest emailed link works.
    key = models.CharField(_("key"), max_length=64)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["clinic", "email"], name="invitation_clinic_email")]

    def __str__(self):
        return self.email

    @property
    def is_pending(self):
        return self.accepted_at is None and self.revoked_at is None

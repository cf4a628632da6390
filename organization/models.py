from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

unit_code_validator = RegexValidator(r"^[\w.-]+$", _("Mã đơn vị chỉ gồm chữ, số, dấu chấm, gạch ngang và gạch dưới."))


class Unit(MP_Node):
    """An agency or department. The materialised path makes "this unit and all below
    it" one prefix query on an indexed column."""

    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True, validators=[unit_code_validator])
    name = models.CharField(_("tên đơn vị"), max_length=255)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        indexes = [
            # LIKE 'prefix%' uses a btree index on PostgreSQL only with pattern ops.
            models.Index(fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name


class StaffKind(models.TextChoices):
    CADRE = "cb", _("Cán bộ")
    CIVIL_SERVANT = "cc", _("Công chức")
    PUBLIC_EMPLOYEE = "vc", _("Viên chức")
    WORKER = "nld", _("Người lao động")


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        # No address (a driver, a guard): NULL, which the unique constraints allow many times.
        email = self.normalize_email(email).lower() if email else None
        person = self.model(email=email, **fields)
        if password:
            person.set_password(password)
        else:
            person.set_unusable_password()
        person.save(using=self._db)
        return person

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields["is_superuser"] = True
        fields.setdefault("full_name", email)
        return self._create(email, password, **fields)


class Person(AbstractBaseUser, PermissionsMixin):
    """A member of staff, who is also the account that logs in. A person without an
    e-mail address (drivers, guards, cleaners) has no login: an unusable password and
    a NULL address; they are targeted, counted and acknowledge at meetings or on paper."""

    email = models.EmailField(_("e-mail"), unique=True, null=True, blank=True)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    staff_kind = models.CharField(
        _("loại cán bộ"), max_length=3, choices=StaffKind.choices, default=StaffKind.CIVIL_SERVANT
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="people", null=True, blank=True, verbose_name=_("đơn vị")
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    date_joined = models.DateTimeField(_("ngày tạo"), default=timezone.now)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="person_email_ci_unique", condition=models.Q(email__isnull=False)
            ),
            # An empty address is spelled NULL, so it never collides with another.
            models.CheckConstraint(condition=~models.Q(email=""), name="person_email_not_blank"),
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) | models.Q(is_superuser=True),
                name="person_has_unit_unless_superuser",
            ),
            models.CheckConstraint(condition=models.Q(staff_kind__in=StaffKind.values), name="person_staff_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def has_account(self) -> bool:
        """Whether the person can log in at all (an address to log in with)."""
        return bool(self.email)


class Role(models.TextChoices):
    UNIT_HEAD = "unit_head", _("Thủ trưởng đơn vị")
    INSPECTOR = "inspector", _("Thanh tra")
    ADMINISTRATOR = "administrator", _("Quản trị viên")


class RoleGrant(models.Model):
    """A role held over a unit and everything below it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="grants", verbose_name=_("cán bộ"))
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="grants", verbose_name=_("đơn vị"))
    granted_at = models.DateTimeField(_("ngày cấp"), default=timezone.now)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [
            models.UniqueConstraint(fields=["person", "role", "unit"], name="rolegrant_unique"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="rolegrant_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} – {self.unit}"

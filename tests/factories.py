import factory

from organization import services
from organization.models import Person, RoleGrant, StaffKind, Unit

DEFAULT_PASSWORD = "Mật-khẩu-thử-2026"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Phòng số {n}")
    code = factory.Sequence(lambda n: f"U{n}")
    parent = None

    @classmethod
    def _create(cls, model_class, parent=None, **kwargs):
        return services.unit_create(parent=parent, **kwargs)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    email = factory.Sequence(lambda n: f"nguoi{n}@example.gov.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    position = "Chuyên viên"
    staff_kind = StaffKind.CIVIL_SERVANT
    unit = factory.SubFactory(UnitFactory)
    password = DEFAULT_PASSWORD

    @classmethod
    def _create(cls, model_class, password=None, **kwargs):
        return Person.objects.create_user(password=password, **kwargs)


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    person = factory.SubFactory(PersonFactory)
    unit = factory.SelfAttribute("person.unit")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.role_grant(**kwargs)

"""Every person's organisation address becomes their one verified, primary address,
and addresses people added themselves (through the page now closed) are removed:
the login address is the organisation's identity."""

from django.db import migrations


def forwards(apps, schema_editor):
    Person = apps.get_model("organization", "Person")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for person in Person.objects.all().iterator():
        EmailAddress.objects.filter(user_id=person.pk).exclude(email__iexact=person.email).delete()
        EmailAddress.objects.update_or_create(
            user_id=person.pk, email=person.email, defaults={"primary": True, "verified": True}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("organization", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

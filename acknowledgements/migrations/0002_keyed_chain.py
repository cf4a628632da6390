"""Keyed MACs for the acknowledgement chain, the signature attempt limit, checked
report attachments, and the append-only trigger.

Existing records cannot honestly be re-keyed (anyone could have MACed a forged
chain), so they keep their SHA-256 and get key id "v1"; their place in the chain
(`seq`) is their rank by id. The head gets its count and a MAC under the current key
(settings.ACK_CHAIN_KEYS), computed here as acknowledgements/chain.py does."""

import hashlib
import hmac
import json

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.migrations_sql import append_only


def _head_mac(key: bytes, key_id: str, count: int, last_hash: str) -> str:
    payload = json.dumps(["head", key_id, count, last_hash], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def mark_legacy(apps, schema_editor):
    Acknowledgement = apps.get_model("acknowledgements", "Acknowledgement")
    ChainHead = apps.get_model("acknowledgements", "ChainHead")
    ids = list(Acknowledgement.objects.order_by("id").values_list("id", flat=True))
    for seq, pk in enumerate(ids, start=1):
        Acknowledgement.objects.filter(pk=pk).update(seq=seq, key_id="v1")
    head = ChainHead.objects.filter(pk=1).first()
    if head is None:
        return  # an empty chain (or a cut one: verify_acknowledgements will say so)
    key_id, key = next(iter(settings.ACK_CHAIN_KEYS.items()))
    # The head's count is what it stands for now; if it disagreed with the records,
    # the verification reports it (the head's last hash is kept as it was).
    head.count = len(ids)
    head.key_id = key_id
    head.mac = _head_mac(key, key_id, head.count, head.last_hash)
    head.save(update_fields=["count", "key_id", "mac"])


class Migration(migrations.Migration):
    dependencies = [
        ("acknowledgements", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="acknowledgement",
            name="seq",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="acknowledgement",
            name="key_id",
            field=models.CharField(default="v1", max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="chainhead",
            name="count",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="chainhead",
            name="key_id",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddField(
            model_name="chainhead",
            name="mac",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(mark_legacy, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="acknowledgement",
            name="seq",
            field=models.PositiveBigIntegerField(unique=True),
        ),
        migrations.AddConstraint(
            model_name="acknowledgement",
            constraint=models.CheckConstraint(condition=models.Q(("key_id", ""), _negated=True), name="acknowledgement_key_id_set"),
        ),
        migrations.AddConstraint(
            model_name="acknowledgement",
            constraint=models.CheckConstraint(condition=models.Q(("seq__gte", 1)), name="acknowledgement_seq_positive"),
        ),
        migrations.AlterField(
            model_name="notice",
            name="kind",
            field=models.CharField(
                choices=[
                    ("reminder", "Nhắc hạn"),
                    ("digest", "Tổng hợp quá hạn"),
                    ("nudge", "Nhắc trực tiếp"),
                    ("checkpoint", "Mốc kiểm tra chuỗi xác nhận"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="implementationreport",
            name="attachment_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="implementationreport",
            name="attachment_type",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.CreateModel(
            name="SignatureFailure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField()),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["person", "at"], name="signature_failure_person_at")],
            },
        ),
        append_only("acknowledgements_acknowledgement"),
    ]

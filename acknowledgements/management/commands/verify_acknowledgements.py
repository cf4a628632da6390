import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from acknowledgements import chain, services


class Command(BaseCommand):
    help = (
        "Check the chain of acknowledgement records (every record's keyed MAC, the links, the head, the "
        "assignments marked acknowledged) and print its current signed checkpoint; with --checkpoint FILE, "
        "also check that the chain still holds that earlier checkpoint. Exits non-zero on any problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint", metavar="FILE", help="an earlier checkpoint file to check against")
        parser.add_argument(
            "--limit", type=int, default=1000, help="print at most this many problems (all are counted)"
        )
        parser.add_argument("--write", action="store_true", help="also write the checkpoint to ACK_CHECKPOINT_DIR")

    def handle(self, *args, **options):
        earlier = None
        if options["checkpoint"]:
            try:
                earlier = chain.checkpoint_read(options["checkpoint"])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        result = services.acknowledgements_verify(checkpoint=earlier)
        for problem in result.problems[: options["limit"]]:
            self.stderr.write(str(problem))
        if len(result.problems) > options["limit"]:
            self.stderr.write(f"… và {len(result.problems) - options['limit']} lỗi khác.")
        if result.problems:
            raise CommandError(f"Chuỗi xác nhận có {len(result.problems)} lỗi.")
        self.stdout.write(f"Chuỗi xác nhận nguyên vẹn: {result.count} bản ghi.")
        if result.legacy:
            self.stdout.write(
                f"Trong đó {result.legacy} bản ghi kiểu cũ (v1: SHA-256 không khóa), được bảo vệ bởi bản ghi có "
                "khóa đầu tiên sau chúng và các mốc kiểm tra đã lưu."
            )
        if result.waiting:
            self.stdout.write(
                f"Thêm {result.waiting} bản ghi mới đang chờ được nối vào chuỗi (đã kiểm tra mã xác thực của chúng)."
            )
        if earlier is not None:
            self.stdout.write(f"Chuỗi vẫn chứa mốc kiểm tra lúc {earlier['at']} ({earlier['count']} bản ghi).")
        if options["write"]:
            checkpoint, path = services.acknowledgements_checkpoint()
            self.stdout.write(f"Đã ghi mốc kiểm tra vào {path}.")
        else:
            checkpoint = chain.checkpoint_of(result)
        self.stdout.write("Mốc kiểm tra hiện tại (so sánh với bản đã lưu, hoặc lưu lại để đối chiếu sau):")
        self.stdout.write(json.dumps(checkpoint, ensure_ascii=False, indent=2, sort_keys=True))

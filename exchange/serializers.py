"""The exchange API's request and answer (API.md "Data exchange")."""

from rest_framework import serializers

from core.serializers import ModelSerializer, Serializer

from .models import FeedBatch, FeedOutcome, FeedRecord

API_BATCH_LIMIT = 10_000


class FeedRequestSerializer(Serializer):
    """The body of a feed request: several records under "records"; one record may also be sent as the body itself."""

    records = serializers.ListField(
        child=serializers.DictField(),
        allow_empty=False,
        help_text=f"记录列表，每条为该类数据的一条记录，最多{API_BATCH_LIMIT}条。",
    )


class FeedRecordResultSerializer(ModelSerializer):
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = FeedRecord
        fields = ["position", "outcome", "outcome_label", "message"]


class FeedCountsSerializer(Serializer):
    applied = serializers.IntegerField(source="applied_count", help_text=FeedOutcome.APPLIED.label)
    unchanged = serializers.IntegerField(source="unchanged_count", help_text=FeedOutcome.UNCHANGED.label)
    queued = serializers.IntegerField(source="queued_count", help_text=FeedOutcome.QUEUED.label)
    rejected = serializers.IntegerField(source="rejected_count", help_text=FeedOutcome.REJECTED.label)


class FeedBatchSerializer(ModelSerializer):
    batch = serializers.IntegerField(source="pk", read_only=True, help_text="批次号")
    county = serializers.CharField(source="county_id", read_only=True)
    counts = FeedCountsSerializer(source="*", read_only=True)
    results = serializers.SerializerMethodField(help_text="逐条处理结果，按收到的顺序（每页最多1000条）。")
    next_page = serializers.SerializerMethodField(help_text="还有更多逐条结果时的下一页页码，否则为空。")

    class Meta:
        model = FeedBatch
        fields = [
            "batch",
            "kind",
            "channel",
            "county",
            "received_at",
            "records_total",
            "counts",
            "results",
            "next_page",
        ]

    RESULTS_PER_PAGE = 1_000

    def _page(self) -> int:
        page = self.context.get("page", 1)
        return page if isinstance(page, int) and page > 0 else 1

    def get_results(self, batch: FeedBatch) -> list[dict]:
        start = (self._page() - 1) * self.RESULTS_PER_PAGE
        records = batch.records.order_by("position", "id")[start : start + self.RESULTS_PER_PAGE]
        return list(FeedRecordResultSerializer(records, many=True).data)

    def get_next_page(self, batch: FeedBatch) -> int | None:
        page = self._page()
        return page + 1 if batch.records_total > page * self.RESULTS_PER_PAGE else None

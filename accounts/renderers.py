"""The API's renderers (settings.REST_FRAMEWORK): DRF's, recording the full ID numbers each answer carried."""

from typing import Any

from rest_framework import renderers, status

from .middleware import client_address
from .personal_data import full_id_number_notes_take
from .services import personal_data_api_answer_record


class RecordsFullIdNumbers:
    """Once an answer is rendered, the full ID numbers its serializers wrote (accounts.serializers.IdNumberField)
    are recorded, one row per number. Here rather than in each view, so that no endpoint can forget it; after
    rendering, because the browsable API serializes the record again for its forms. A refusal records nothing."""

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        content = super().render(data, accepted_media_type, renderer_context)  # type: ignore[misc]
        context = renderer_context or {}
        request, response = context.get("request"), context.get("response")
        # The browsable API renders its JSON through a second renderer: only the answer's own renderer records.
        if request is None or response is None or getattr(response, "accepted_renderer", None) is not self:
            return content
        shown = full_id_number_notes_take(request=request)
        if shown and status.is_success(response.status_code):
            personal_data_api_answer_record(
                user=request.user, id_numbers=shown, path=request.path, ip_address=client_address(request)
            )
        return content


class JSONRenderer(RecordsFullIdNumbers, renderers.JSONRenderer):
    pass


class BrowsableAPIRenderer(RecordsFullIdNumbers, renderers.BrowsableAPIRenderer):
    pass

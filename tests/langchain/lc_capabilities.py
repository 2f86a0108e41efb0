"""What ChatOpenRouter supports, declared once for the standard unit and integration suites."""

from __future__ import annotations

from langchain_openrouter_kit import ChatOpenRouter


class ChatOpenRouterCapabilities:
    """The langchain-tests capability flags both standard suites read."""

    @property
    def chat_model_class(self) -> type[ChatOpenRouter]:
        return ChatOpenRouter

    @property
    def returns_usage_metadata(self) -> bool:
        return True

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def has_tool_choice(self) -> bool:
        return True

    @property
    def supports_image_inputs(self) -> bool:
        return True

    @property
    def supports_image_urls(self) -> bool:
        return True

    @property
    def supports_pdf_inputs(self) -> bool:
        return True

    @property
    def supports_audio_inputs(self) -> bool:
        return True

    @property
    def supports_model_override(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return "anthropic/claude-3.5-haiku"

"""The audio group: Audio: speech from text (binary audio) and transcriptions."""

from __future__ import annotations

from ._operations import operation
from ._resource import Resource


class Audio(Resource):
    """Audio: speech from text (binary audio) and transcriptions."""

    create_speech = operation("audio.create_speech")
    """POST /audio/speech"""
    create_transcription = operation("audio.create_transcription")
    """POST /audio/transcriptions"""

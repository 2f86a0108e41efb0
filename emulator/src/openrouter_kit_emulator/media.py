"""Media generation: images (real PNGs), speech (WAV/PCM/MP3), transcription, and video jobs
that move from pending through in_progress to completed on the emulator's clock."""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from typing import Any

from . import audio, images, multipart
from .backend import Ctx, Route, example, require
from .catalogue import Catalogue
from .ids import IdFactory
from .tokens import count_tokens
from .wire import ApiError, EmulatorResponse, bad_request, headers_with, json_response

IMAGE_COST = 0.04  # USD per generated image
VIDEO_QUEUED_S = 5  # seconds a video job stays pending, then in_progress ...
VIDEO_RENDER_S = 30  # ... for this long, then completed
VIDEO_COST_PER_S = 0.0625
TRANSCRIBED = "This is a deterministic transcription from the OpenRouter emulator."


def _mp4(prompt: str) -> bytes:
    """ISO base media boxes (ftyp, free, mdat) with bytes derived from the prompt."""

    def box(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", 8 + len(data)) + kind + data

    payload = hashlib.sha256(prompt.encode()).digest() * 32
    return (
        box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41")
        + box(b"free", b"openrouter-kit emulator")
        + box(b"mdat", payload)
    )


class Media:
    def __init__(self, ids: IdFactory, catalogue: Catalogue) -> None:
        self.ids = ids
        self.catalogue = catalogue
        self.videos: dict[str, dict[str, Any]] = {}

    def routes(self) -> list[Route]:
        return [
            ("POST", "/images", self._images, "inference"),
            ("GET", "/images/models", self._image_models, "optional"),
            ("GET", "/images/models/{author}/{slug}/endpoints", self._image_endpoints, "optional"),
            ("POST", "/audio/speech", self._speech, "inference"),
            ("POST", "/audio/transcriptions", self._transcribe, "inference"),
            ("POST", "/videos", self._video_create, "inference"),
            ("GET", "/videos/models", self._video_models, "optional"),
            ("GET", "/videos/{jobId}", self._video_get, "key"),
            ("GET", "/videos/{jobId}/content", self._video_content, "key"),
        ]

    # images --------------------------------------------------------------------------
    def image_models(self) -> list[dict[str, Any]]:
        shape = example("listImageModels")["data"][0]
        out = [shape]
        for model in self.catalogue.filter("all"):
            if "image" in model.output_modalities:
                out.append(
                    {
                        **shape,
                        "id": model.id,
                        "name": model.data.get("name", model.id),
                        "created": model.data.get("created", shape["created"]),
                        "description": model.data.get("description", shape["description"]),
                        "endpoints": f"/api/v1/images/models/{model.id}/endpoints",
                        "architecture": {
                            "input_modalities": model.data["architecture"]["input_modalities"],
                            "output_modalities": model.output_modalities,
                        },
                    }
                )
        return out

    def _image_model(self, model_id: Any) -> dict[str, Any]:
        for model in self.image_models():
            if model["id"] == model_id:
                return model
        raise ApiError(404, f"Image model {model_id} not found", with_user=False)

    def _images(self, ctx: Ctx) -> EmulatorResponse:
        body = ctx.body()
        require(body, "model", "prompt")
        self._image_model(body["model"])
        n = body.get("n", 1)
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 10:
            raise bad_request("n must be an integer between 1 and 10")
        prompt = str(body["prompt"])
        data = [
            {"b64_json": base64.b64encode(images.png(f"{prompt}#{i}")).decode()} for i in range(n)
        ]
        tokens = images.IMAGE_TOKENS * n
        usage = {"prompt_tokens": 0, "completion_tokens": tokens, "total_tokens": tokens,
                 "cost": round(IMAGE_COST * n, 6)}  # fmt: skip
        return json_response(200, {"created": self.ids.now(), "data": data, "usage": usage})

    def _image_models(self, ctx: Ctx) -> EmulatorResponse:
        return json_response(200, {"data": self.image_models()})

    def _image_endpoints(self, ctx: Ctx) -> EmulatorResponse:
        model = self._image_model(f"{ctx.params['author']}/{ctx.params['slug']}")
        answer = example("listImageModelEndpoints")
        answer["id"] = model["id"]
        catalogued = self.catalogue.get(model["id"])
        if catalogued is not None and catalogued.endpoints:
            endpoint = catalogued.endpoints[0]
            answer["endpoints"][0].update(
                provider_name=endpoint.provider, provider_slug=endpoint.slug,
                provider_tag=endpoint.slug,
            )  # fmt: skip
        return json_response(200, answer)

    # audio ---------------------------------------------------------------------------
    def _speech(self, ctx: Ctx) -> EmulatorResponse:
        body = ctx.body()
        require(body, "model", "input")
        text = str(body["input"])
        speed = body.get("speed", 1)
        if isinstance(speed, bool) or not isinstance(speed, (int, float)) or speed <= 0:
            raise bad_request("speed must be a positive number")
        fmt = body.get("response_format", "pcm")
        if fmt == "pcm":
            return EmulatorResponse(200, headers_with("audio/pcm"), audio.pcm(text, speed))
        if fmt == "mp3":
            return EmulatorResponse(200, headers_with("audio/mpeg"), audio.mp3(text, speed))
        if fmt == "wav":
            return EmulatorResponse(200, headers_with("audio/wav"), audio.wav(text, speed))
        raise bad_request("response_format must be one of mp3, pcm")

    def _transcribe(self, ctx: Ctx) -> EmulatorResponse:
        content_type = ctx.request.header("content-type") or ""
        if content_type.lower().startswith("multipart/"):
            parts = multipart.parse(content_type, ctx.request.body)
            if "file" not in parts or "model" not in parts:
                raise bad_request("file and model are required")
            data = parts["file"].data
        else:
            body = ctx.body()
            require(body, "model", "input_audio")
            raw = body["input_audio"]
            if not isinstance(raw, dict) or not isinstance(raw.get("data"), str):
                raise bad_request("input_audio.data must be base64-encoded audio")
            try:
                data = base64.b64decode(raw["data"] + "=" * (-len(raw["data"]) % 4))
            except (binascii.Error, ValueError):
                raise bad_request("input_audio.data must be base64-encoded audio") from None
        text = audio.wav_comment(data) or TRANSCRIBED
        seconds = audio.duration(data)
        input_tokens = max(1, int(seconds * 10))
        output_tokens = count_tokens(text)
        usage = {
            "seconds": seconds,
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
            "cost": round(0.0001 * max(seconds, 1.0) / 60 * 6, 6),
        }
        return json_response(200, {"text": text, "usage": usage})

    # video ---------------------------------------------------------------------------
    def _video_models(self, ctx: Ctx) -> EmulatorResponse:
        answer = example("listVideosModels")
        for model in answer["data"]:  # required, but missing from the document's example
            model.setdefault("upscale_factor", None)
            model.setdefault("creativity", None)
        return json_response(200, answer)

    def _video_create(self, ctx: Ctx) -> EmulatorResponse:
        body = ctx.body()
        require(body, "model")
        models = {m["id"]: m for m in example("listVideosModels")["data"]}
        model = models.get(body["model"])
        if model is None:
            raise ApiError(404, f"Video model {body['model']} not found", with_user=False)
        duration = body.get("duration", model["supported_durations"][0])
        if duration not in model["supported_durations"]:
            raise bad_request(f"duration must be one of {model['supported_durations']}")
        job_id = "job-" + self.ids.hex(20)
        self.videos[job_id] = {
            "id": job_id,
            "generation_id": self.ids.generation("video"),
            "created": self.ids.now(),
            "duration": duration,
            "prompt": str(body.get("prompt", "")),
        }
        return json_response(202, self._video_public(self.videos[job_id]))

    def _status(self, job: dict[str, Any]) -> str:
        age = self.ids.now() - job["created"]
        if age < VIDEO_QUEUED_S:
            return "pending"
        return "in_progress" if age < VIDEO_QUEUED_S + VIDEO_RENDER_S else "completed"

    def _video_public(self, job: dict[str, Any]) -> dict[str, Any]:
        status = self._status(job)
        out = {
            "id": job["id"],
            "generation_id": job["generation_id"],
            "polling_url": f"/api/v1/videos/{job['id']}",
            "status": status,
        }
        if status == "completed":
            out["unsigned_urls"] = [f"/api/v1/videos/{job['id']}/content"]
            out["usage"] = {"cost": round(VIDEO_COST_PER_S * job["duration"], 6)}
        return out

    def _job(self, ctx: Ctx) -> dict[str, Any]:
        job = self.videos.get(ctx.params["jobId"])
        if job is None:
            raise ApiError(404, "Video job not found", with_user=False)
        return job

    def _video_get(self, ctx: Ctx) -> EmulatorResponse:
        return json_response(200, self._video_public(self._job(ctx)))

    def _video_content(self, ctx: Ctx) -> EmulatorResponse:
        job = self._job(ctx)
        if self._status(job) != "completed":
            raise ApiError(409, "Video is not ready yet; poll until status is completed",
                           with_user=False)  # fmt: skip
        return EmulatorResponse(200, headers_with("video/mp4"), _mp4(job["prompt"]))

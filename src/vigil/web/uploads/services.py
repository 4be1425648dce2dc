"""Taking in an uploaded bundle or CSV export, in the background, with its progress kept."""

from __future__ import annotations

import shutil
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import close_old_connections, connection
from django.utils import timezone

from vigil.core.audit.entry import Category, Event, ObjectKind, ObjectRef
from vigil.core.ingest.pipeline import ingest
from vigil.core.ingest.source import SourceError, SourceFile, open_bundle
from vigil.web.accounts.models import Role
from vigil.web.audit.services import audit_record, web_actor
from vigil.web.records.services import DatabaseIngestStore
from vigil.web.uploads.models import Upload

# Who takes in their agency's exports; oversight roles read, they do not load.
UPLOAD_ROLES = frozenset({Role.ANALYST, Role.PRACTITIONER, Role.SUPERVISOR})
PROGRESS_EVERY_SECONDS = 0.5


def _role(user: AbstractBaseUser) -> str:
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else ""


def may_upload(user: AbstractBaseUser) -> bool:
    return _role(user) in UPLOAD_ROLES


def _folder(upload_id: int) -> Path:
    return Path(settings.VIGIL_HOME) / "uploads" / str(upload_id)


def _save(file: UploadedFile, folder: Path, suffix: str) -> Path:
    # The stored name is ours: a user's file name never becomes a path.
    target = folder / f"{uuid.uuid4().hex}{suffix}"
    with target.open("wb") as out:
        for chunk in file.chunks():
            out.write(chunk)
    return target


def upload_receive(
    *,
    user: AbstractBaseUser,
    kind: str,
    file: UploadedFile,
    mapping: UploadedFile | None = None,
    strict: bool = False,
) -> Upload:
    """Keeps an uploaded file until it is loaded.

    Raises:
        PermissionDenied: The user's role does not load records.
        ValueError: A CSV export without its mapping.
    """
    if not may_upload(user):
        raise PermissionDenied("your role does not take in records")
    if kind == Upload.Kind.CSV and mapping is None:
        raise ValueError("a CSV export needs its mapping file")
    upload = Upload.objects.create(
        uploaded_by=user,  # type: ignore[misc]  # a signed-in user is a User
        uploaded_at=timezone.now(),
        kind=kind,
        file_name=(file.name or "upload")[:255],
        mapping_name=(mapping.name or "")[:255] if mapping else "",
        strict=strict,
        bytes_total=file.size or 0,
    )
    folder = _folder(upload.pk)
    folder.mkdir(parents=True, exist_ok=True)
    _save(file, folder, ".zip" if kind == Upload.Kind.BUNDLE else ".csv")
    if mapping is not None:
        _save(mapping, folder, ".yaml")
    return upload


def _source_files(upload: Upload) -> list[SourceFile]:
    folder = _folder(upload.pk)
    if upload.kind == Upload.Kind.BUNDLE:
        path = next(folder.glob("*.zip"))
        bundle = open_bundle(path)
        return bundle.files
    from vigil.core.ingest.csv_export import open_csv_export

    export = open_csv_export(next(folder.glob("*.csv")), next(folder.glob("*.yaml")))
    export.check_header()
    return [export]


def _named(message: str, upload: Upload) -> str:
    """Errors name our stored file; the user knows it by the name they uploaded."""
    folder = str(_folder(upload.pk))
    for stored in _folder(upload.pk).glob("*"):
        shown = upload.mapping_name if stored.suffix == ".yaml" else upload.file_name
        message = message.replace(str(stored), shown)
    return message.replace(folder + "/", "")


def upload_load(*, upload_id: int) -> Upload:
    """Loads an upload through the same pipeline as `vigil ingest`, then removes its file."""
    upload = Upload.objects.select_related("uploaded_by").get(pk=upload_id)
    Upload.objects.filter(pk=upload.pk).update(status=Upload.Status.LOADING)
    done, last = 0, 0.0

    def progress(count: int) -> None:
        nonlocal done, last
        done += count
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_SECONDS:
            last = now
            Upload.objects.filter(pk=upload.pk).update(bytes_done=done)

    try:
        files = _source_files(upload)
        total = sum(file.size for file in files)
        Upload.objects.filter(pk=upload.pk).update(bytes_total=total)
        report = ingest(
            files,
            DatabaseIngestStore(),
            source=upload.file_name,
            strict=upload.strict,
            progress=progress,
        )
    except SourceError as error:
        Upload.objects.filter(pk=upload.pk).update(
            status=Upload.Status.FAILED,
            error=_named(str(error), upload),
            finished_at=timezone.now(),
        )
    else:
        counts = report.counts.values()
        audit_record(
            actor=web_actor(upload.uploaded_by),
            category=Category.COLLECTION,
            event=Event.INGEST,
            objects=[ObjectRef(ObjectKind.RUN, str(report.run_id))],
            reason=(
                f"upload {report.status}: {sum(c.read for c in counts)} lines read, "
                f"{sum(c.new for c in counts)} new, {report.rejected} rejected"
            )[:200],
        )
        Upload.objects.filter(pk=upload.pk).update(
            status=Upload.Status.DONE,
            bytes_done=done,
            ingest_run_id=report.run_id,
            finished_at=timezone.now(),
        )
    finally:
        # The store now holds what was in it; the upload itself is not kept.
        shutil.rmtree(_folder(upload.pk), ignore_errors=True)
    return Upload.objects.get(pk=upload.pk)


def _load_in_thread(upload_id: int) -> None:
    try:
        upload_load(upload_id=upload_id)
    finally:
        connection.close()


def upload_start(*, upload: Upload) -> None:
    """Starts loading: in a background thread when serving, at once when settings say so."""
    if getattr(settings, "VIGIL_UPLOADS_IN_BACKGROUND", True):
        close_old_connections()
        threading.Thread(target=_load_in_thread, args=(upload.pk,), daemon=True).start()
    else:
        upload_load(upload_id=upload.pk)

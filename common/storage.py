"""Private files (case attachments): one named storage, STORAGES["private"].

On one machine it is a directory outside MEDIA_ROOT and STATIC_ROOT (PRIVATE_MEDIA_ROOT); with
object storage configured (production.py, PRIVATE_STORAGE_BUCKET) it is a private S3 bucket or
prefix that nothing outside the app can read. Either way the file has no public URL: a view
checks permission and streams it through the storage API (`storage.open`), never by path.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, cached_property, empty

PRIVATE_STORAGE_ALIAS = "private"


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files outside MEDIA_ROOT and STATIC_ROOT: no URL; served only by permission-checked views."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):
        raise ValueError("private files have no public URL")

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


class _PrivateStorageProxy(LazyObject):
    """STORAGES["private"], looked up when first used (and again after the setting changes)."""

    def _setup(self):
        if PRIVATE_STORAGE_ALIAS in settings.STORAGES:
            self._wrapped = storages[PRIVATE_STORAGE_ALIAS]
        else:  # settings written before the alias existed
            self._wrapped = PrivateStorage()


_private = _PrivateStorageProxy()


def private_storage():
    """The storage of private FileFields (a callable, so migrations do not freeze the backend)."""
    return _private


@receiver(setting_changed)
def _private_storage_changed(*, setting, **kwargs):
    if setting in ("STORAGES", "PRIVATE_MEDIA_ROOT"):
        _private._wrapped = empty

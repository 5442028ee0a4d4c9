# SPDX-License-Identifier: MIT
"""Errors of the analysis functions, carrying their HTTP status (like pygeoapi's errors)."""
from http import HTTPStatus

from pygeoapi.process.base import ProcessorExecuteError


class AnalysisInputError(ProcessorExecuteError):
    """Bad input to a process: HTTP 400 with a message saying what to change."""

    http_status_code = HTTPStatus.BAD_REQUEST
    ogc_exception_code = "InvalidParameterValue"

    def __init__(self, message: str):
        super().__init__(message, user_msg=message)


class AnalysisNotFound(AnalysisInputError):
    """The parcel or feature asked for does not exist (HTTP 404)."""

    http_status_code = HTTPStatus.NOT_FOUND
    ogc_exception_code = "NotFound"

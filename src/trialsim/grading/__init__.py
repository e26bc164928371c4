"""Grading tools: the autograder's load-proof cell limit (``execute``)."""

from __future__ import annotations

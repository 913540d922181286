"""Frames -> answers: control of places, Crisis Group's incidents, summaries, geometry, the story's calendar and
the wording of days and claims. Imports only :mod:`karabakh.io` below it."""

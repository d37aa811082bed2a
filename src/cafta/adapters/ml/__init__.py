"""The learning risk engine's machinery: LightGBM training and scoring, model files, CSV input.

:mod:`.booster` wraps a LightGBM ensemble as the domain's
:class:`~cafta.risk.model.TreeModel`; :mod:`.training` fits a
:class:`~cafta.risk.model.RiskModel`; :mod:`.store` keeps versioned model artefacts with an
active pointer; :mod:`.csv_files` reads the data set's CSV format; :mod:`.learner` is the
replay's learner; :mod:`.scorer` scores a live :class:`~cafta.risk.subject.RiskSubject`.
See ``docs/risk.md``.
"""

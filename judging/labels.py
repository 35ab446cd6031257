"""Human names of the judging domain's stored values, for templates (`value|label`)."""

from core.i18n import register_labels
from core.rules import N_
from judging.enums import DeckPolicy, FeedbackScores, Normalisation, RoundEntry, RoundMethod, RoundStatus, ScoreStatus


def register() -> None:
    """Name judging's stored values; `core.app.register_domain_labels` calls this at start."""
    register_labels(
        {
            RoundMethod.WEIGHTED_RUBRIC: N_("weighted rubric"),
            RoundMethod.PAIRWISE: N_("pairwise comparison"),
            RoundEntry.ALL_SUBMITTED: N_("all submitted applications"),
            RoundEntry.ADVANCED: N_("those advanced from the previous round"),
            Normalisation.JUDGE_OFFSET: N_("judge offset (leniency measured on shared applications)"),
            Normalisation.Z_SCORE: N_("z-score per judge"),
            RoundStatus.OPEN: N_("open"),
            RoundStatus.CLOSED: N_("closed"),
            ScoreStatus.SUBMITTED: N_("submitted"),
            DeckPolicy.WARN: N_("show it, warning the judges that it may name the team"),
            DeckPolicy.HIDE: N_("hide it from the judges"),
        }
    )
    register_labels(
        {
            FeedbackScores.NONE: N_("nothing"),
            FeedbackScores.RAW_MEAN: N_("the raw mean"),
            FeedbackScores.NORMALISED_MEAN: N_("the normalised mean"),
        },
        namespace="FeedbackScores",
    )

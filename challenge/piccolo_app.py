import os

from piccolo.conf.apps import AppConfig

from challenge.tables import (
    Answer,
    Application,
    ApplicationEvent,
    ApplicationProblem,
    Comment,
    Edition,
    EditionPhase,
    EligibilityQuestion,
    Endorsement,
    ExpertiseTag,
    FitNote,
    Municipality,
    Problem,
    ProblemAttachment,
    ProblemEvent,
    Question,
    QuestionVersion,
    Startup,
    StartupMember,
)

APP_CONFIG = AppConfig(
    app_name="challenge",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        Edition,
        EditionPhase,
        Municipality,
        Startup,
        Problem,
        ProblemEvent,
        ProblemAttachment,
        Endorsement,
        Comment,
        StartupMember,
        EligibilityQuestion,
        Application,
        ApplicationProblem,
        ApplicationEvent,
        FitNote,
        ExpertiseTag,
        Question,
        QuestionVersion,
        Answer,
    ],
    migration_dependencies=["core.piccolo_app"],
    commands=[],
)

"""nbgrader settings for Cells on Trial.

Run nbgrader from the repository root (``./course`` does this for you), so
that these settings apply. The instructors' page of the book describes the
whole grading workflow.
"""

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from trialsim.grading.execute import Execute
from trialsim.grading.feedback import ErrorsWithoutCode

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "cells-on-trial"

# Instructor notebooks (solutions and hidden tests) and the student release.
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

# Working state of a class: submissions, graded copies, feedback and the
# gradebook. These folders and the database are listed in .gitignore and
# excluded from the book build; they never belong in the repository.
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = "sqlite:///gradebook.db"

# Files in an assignment's source folder that are for graders only and must
# never be released to students.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "GRADING.md"]

# Grading. A cell that computes for longer than this many seconds (an endless
# loop) is interrupted: that cell's item scores zero and grading moves on. The
# course's Execute counts the kernel's CPU seconds, not the wall clock, so a
# busy server costs time but never a student's marks; a cell that waits
# without computing is stopped after timeout x wall_factor seconds.
c.Autograde.autograde_preprocessors = [Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                                       SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
c.Execute.timeout = 30
c.Execute.wall_factor = 10
c.Execute.interrupt_on_timeout = True
# A submission that deletes a test cell gets it back before grading, with a
# note at its top that says so.
c.OverwriteCells.add_missing_cells = True

# Feedback shows each student their graded notebook with the messages of the
# checks that failed, but not the code of the hidden checks (neither the cells
# nor the lines a traceback quotes), so a problem set can be set again.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, ErrorsWithoutCode, CSSHTMLHeaderPreprocessor]

# Collecting a zip of submissions downloaded from a learning platform
# (`nbgrader zip_collect`): one folder per student inside the zip, named by the
# student id, holding that student's ps01-celltop.ipynb. Adjust the pattern to
# your platform's file names; it must capture student_id and file_id.
c.ZipCollectApp.collector_plugin = "nbgrader.plugins.zipcollect.FileNameCollectorPlugin"
c.FileNameCollectorPlugin.named_regexp = r".*/(?P<student_id>[A-Za-z0-9_.@-]+)/(?P<file_id>[^/]+\.ipynb)$"

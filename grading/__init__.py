"""naikkelas.grading: courses, release, nbgrader integration, progress, reports, certificates."""

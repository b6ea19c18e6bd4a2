// Lessons render no maths; this stands in for MathJax so no page loads it from a CDN.

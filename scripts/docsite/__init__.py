"""The machinery behind the documentation site (mkdocs.yml loads hooks.py).

Every module here turns something in the repository into something a reader
sees, at build time, so the site can't drift from the code:

  tryit.py      steps/*/walkthrough.sh -> the "Try it" requests and their answers
  stepdiff.py   two neighbouring steps -> highlighted lines, sizes, the complete diff
  diagrams.py   ```sequence fences -> inline SVG sequence diagrams (no JavaScript)
  glossary.py   docs/glossary.md -> a tooltip on every use of a term, on every page
  sources.py    file and test names on a page -> links to a rendered source view
  downloads.py  each step -> a zip, and the whole repository -> a zip
  budget.py     a page's visible words and code lines -> its reading time
  stepmeta.py   the front matter of the step pages (times, prerequisites)

How to write a page with all this: docs/maintainers.md.
"""

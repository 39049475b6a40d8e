"""MkDocs hooks (mkdocs.yml: hooks): everything the site computes from the repository.

A page asks for a generated part with a line of its own, an HTML comment, so
that the Markdown stays readable where the hook doesn't run:

    <!-- docsite: step-header -->     step pages: time, prerequisites, what the highlights mean
    <!-- docsite: get-the-code -->    step pages: "Get the code", the step's zip; home page: all of it
    <!-- docsite: changes -->         step pages: the files this step changes, with sizes
    <!-- docsite: complete-diff -->   step pages: the collapsed complete diff
    <!-- docsite: try-it -->          step pages: walkthrough.sh as commands and answers
    <!-- docsite: expected-names -->  step pages: the app's names and routes that the step's tests use
    <!-- docsite: break-it -->        step pages: the attack lab's command and its recorded run (labs/)
    <!-- docsite: step-table -->      home page: every step, what it adds, its times
    <!-- docsite: step-sizes -->      home page: every step's size

A page taught in moves (docs/moves/NN-name/) has directives with arguments
too: code, solution, made-by, check, proof (scripts/docsite/moves.py).

Besides those, on every page: excerpts of a step's own files highlight the
lines the step changed; glossary terms get tooltips; file and test names link
to their source; tables get labels that let them stack on a phone.
See docs/maintainers.md for how to write a step page.
"""
import html
import posixpath
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for extra in (ROOT, ROOT / "scripts"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402

from docsite import breakit, budget, diagrams, downloads, expected, glossary, sources, stepdiff, stepmeta, tryit  # noqa: E402
from docsite import moves as move_pages  # noqa: E402
from tools import steps as step_folders  # noqa: E402

# A marker section ("start") or a Python name ("start_session"), or a run of
# consecutive definitions ("password_matches..dummy_hash"): stepdiff.named_lines.
SECTION = r"[A-Za-z_][-\w]*(?:\.\.[A-Za-z_]\w*)?"
NAMED_INCLUDE = re.compile(r'--8<-- "steps/(?P<step>[^/"]+)/(?P<path>[^":]+):(?P<section>' + SECTION + r')"')
DIRECTIVE = re.compile(r"^<!-- docsite: ([\w-]+) -->[ \t]*$", re.MULTILINE)
EXCERPT = re.compile(r'^(?P<indent>[ \t]*)(?P<fence>`{3,})(?P<info>[^\n`]*)\n(?P=indent)--8<-- '
                     r'"steps/(?P<step>[^/"]+)/(?P<path>[^":]+)(?::(?P<section>' + SECTION + r'))?"[ \t]*\n',
                     re.MULTILINE)
WHOLE_FILE = re.compile(r'--8<-- "steps/(?P<step>[^/"]+)/(?P<path>[^":]+)"')

state = {}


def all_steps():
    return step_folders.all_steps()


def step_of_page(page):
    """The step folder a page is about (docs/steps/03-sessions.md), or None."""
    name = Path(page.file.src_uri).stem
    if not page.file.src_uri.startswith("steps/"):
        return None
    matches = [step for step in all_steps() if step.name == name]
    return matches[0] if matches else None


def previous_step(step):
    return step_folders.neighbour(step, -1)


def page_link(from_uri, step):
    """A Markdown link from one docs page to a step's page."""
    target = step_folders.page(step)
    if not target:
        return f"`{step.name}`"
    target_uri = target.relative_to(ROOT / "docs").as_posix()
    return f"[{stepmeta.title(target)}]({posixpath.relpath(target_uri, posixpath.dirname(from_uri) or '.')})"


# ---------------------------------------------------------------- MkDocs events


def on_config(config):
    if "abbr" not in config.markdown_extensions:
        config.markdown_extensions.append("abbr")
    config.mdx_configs["abbr"] = {"glossary": glossary.abbreviations()}
    fences = config.mdx_configs.setdefault("pymdownx.superfences", {}).setdefault("custom_fences", [])
    if not any(fence.get("name") == "sequence" for fence in fences):
        fences.append({"name": "sequence", "class": "sequence", "format": diagrams.formatter,
                       "validator": diagrams.validator})
    state.clear()
    stepdiff.clear_cache()
    state["resolver"] = sources.Resolver(all_steps())
    state["used"] = set()
    state["step_pages"] = {}
    return config


def on_files(files, config):
    for step in all_steps():
        files.append(File.generated(config, downloads.step_zip_path(step),
                                    content=downloads.build(downloads.step_members(step))))
    files.append(File.generated(config, downloads.REPOSITORY_ZIP,
                                content=downloads.build(downloads.repository_members())))
    return files


# An admonition's title is a quoted string that Python-Markdown ends at the first
# '"' and does not unescape: `!!! warning "Myth: \"x\""` shows its backslashes.
ADMONITION_TITLE = re.compile(r'^[ \t]*(?:!!!|\?\?\?\+?)[ \t]+[\w -]+?[ \t]+"(?P<title>.*)"[ \t]*$', re.MULTILINE)


def escaped_quotes_in_titles(markdown):
    """The admonition titles of a page that escape a quote (\"): the page would show the backslash."""
    found = []

    def collect(text):
        found.extend(match["title"] for match in ADMONITION_TITLE.finditer(text) if '\\"' in match["title"])
        return text
    outside_fences(markdown, collect)
    return found


def on_page_markdown(markdown, page, config, files):
    escaped = escaped_quotes_in_titles(markdown)
    if escaped:
        raise PluginError(f"{page.file.src_uri}: an admonition title can't escape a quote, the page would show "
                          f"the backslash: {escaped[0]!r}. Use curly quotes (“ ”) or single quotes instead.")
    step = step_of_page(page)
    if step:
        meta_problems = stepmeta.problems(page.meta)
        if meta_problems:
            raise PluginError(f"{page.file.src_uri}: {'; '.join(meta_problems)} (see docs/maintainers.md)")
        state["step_pages"][step.name] = (page.file.dest_uri, stepmeta.title(page.file.abs_src_path))
        markdown = highlight_changed_lines(markdown, step)
        try:
            markdown = includes_by_name(markdown)
        except (OSError, SyntaxError, ValueError) as error:
            raise PluginError(f"{page.file.src_uri}: {error}") from None

    def directive(match):
        name = match[1]
        try:
            return DIRECTIVES[name](page, step, markdown, config)
        except KeyError:
            raise PluginError(f"{page.file.src_uri}: unknown directive {name!r}") from None
        except (tryit.StaleRecording, diagrams.DiagramError, ValueError) as error:
            raise PluginError(f"{page.file.src_uri}: {error}") from None

    def all_directives(text):
        try:
            text = move_pages.render(text, step)
        except ValueError as error:
            raise PluginError(f"{page.file.src_uri}: {error}") from None
        return DIRECTIVE.sub(directive, text)

    return outside_fences(markdown, all_directives)


FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


def outside_fences(markdown, change):
    """Apply `change` to the Markdown outside fenced code blocks only (a page
    may show a directive as an example)."""
    out, chunk, closing = [], [], None
    for line in markdown.splitlines(keepends=True):
        match = FENCE.match(line)
        if closing is None and match:
            out.append(change("".join(chunk)))
            chunk, closing = [line], match[1]
        elif closing is not None:
            chunk.append(line)
            if match and match[1][0] == closing[0] and len(match[1]) >= len(closing) and \
                    not line.strip()[len(match[1]):].strip():
                out.append("".join(chunk))
                chunk, closing = [], None
        else:
            chunk.append(line)
    out.append(change("".join(chunk)) if closing is None else "".join(chunk))
    return "".join(out)


def on_page_content(page_html, page, config, files):
    page_html = glossary.first_use_only(page_html)
    page_html = sources.link_names(page_html, page.file.dest_uri, state["resolver"], step_of_page(page),
                                   state["used"])
    return label_table_cells(page_html)


def on_post_page(output, page, config):
    """A page taught in moves states an honest reading time (budget.py), or the build fails."""
    step = step_of_page(page)
    if step and move_pages.moves.has_moves(step):
        measured = budget.measure_everything(output)
        if not budget.honest_for_moves(page.meta["reading_time"], measured["minutes"]):
            raise PluginError(f"{page.file.src_uri}: a learner reads {measured['words']} words here "
                              f"({measured['minutes']:.1f} min at {budget.READING_RATE} a minute, folds included): "
                              f"state a reading_time from {budget.HONEST_SHARE * measured['minutes']:.0f} to "
                              f"{max(5, 5 * -(-measured['minutes'] // 5)):.0f}")
    return output


def on_post_build(config):
    views = sources.SourceViews(config.site_name)
    wanted = {path for path in state["resolver"].files if path.startswith("steps/")} | state["used"]
    pages = []
    for path in sorted(wanted):
        step_name = sources.step_of(path)
        step_page = state["step_pages"].get(step_name) if step_name else None
        download = f"{downloads.FOLDER}/{step_name}.zip" if step_name else downloads.REPOSITORY_ZIP
        pages.append(views.page(path, step_page, download))
    sources.write(config.site_dir, pages)


# ---------------------------------------------------------------- excerpts


def highlight_changed_lines(markdown, step):
    """Add hl_lines to each fence that includes the step's own file: the lines
    this step added or changed, so the excerpt shows the lesson at a glance."""
    previous = previous_step(step)
    if previous is None:
        return markdown

    def add(match):
        if match["step"] != step.name or "hl_lines" in match["info"]:
            return match[0]
        lines = stepdiff.excerpt_highlights(previous, step, match["path"], match["section"])
        if not lines:
            return match[0]
        info = match["info"].rstrip()
        if info.endswith("}"):
            info = info[:-1].rstrip() + f' hl_lines="{lines}" }}'
        else:
            info += f' hl_lines="{lines}"'
        return f'{match["indent"]}{match["fence"]}{info}\n{match["indent"]}--8<-- "steps/{match["step"]}/' \
               f'{match["path"]}{":" + match["section"] if match["section"] else ""}"\n'

    return EXCERPT.sub(add, markdown)


def includes_by_name(markdown):
    """`--8<-- "steps/NN/authapp/x.py:name"` where x.py has no marker section
    of that name: the lines of the definition called `name`, in the line-range
    form pymdownx.snippets reads ("x.py:12:30"). Runs after the highlights,
    which count from the same lines."""

    def resolve(match):
        text = (ROOT / "steps" / match["step"] / match["path"]).read_text(encoding="utf-8")
        lines = stepdiff.line_range(text, match["section"])
        if lines is None:
            return match[0]
        return f'--8<-- "steps/{match["step"]}/{match["path"]}:{lines}"'

    return NAMED_INCLUDE.sub(resolve, markdown)


def shown_in_full(markdown, step):
    return {match["path"] for match in WHOLE_FILE.finditer(markdown) if match["step"] == step.name}


# ---------------------------------------------------------------- directives


def need_step(page, step, name):
    if step is None:
        raise ValueError(f"the {name} directive belongs on a step's page")


def step_header(page, step, markdown, config):
    """Time, prerequisites and what the highlights mean, in one box under the title."""
    need_step(page, step, "step-header")
    meta = page.meta
    lines = ['<div class="step-facts" markdown>', "",
             f"**{meta['reading_time']} min** to read · **{meta['build_time']} min** to build it yourself  "]
    if meta.get("before"):
        lines.append("**Before you start:** " + "; ".join(meta["before"]) + "  ")
    if previous_step(step):
        lines.append("**Highlighted lines** in the code are the ones this step adds or changes.")
    return "\n".join(lines + ["", "</div>", ""]) + "\n"


def get_the_code(page, step, markdown, config):
    """On a step page: its zip and how to run it. On the home page: everything."""
    here = posixpath.dirname(page.file.src_uri) or "."
    home = posixpath.relpath("index.md", here)
    if step is None:
        return all_the_code(page, config)
    zip_link = posixpath.relpath(downloads.step_zip_path(step), here)
    lines = ["## Get the code", "",
             f"[Download `{step.name}.zip`]({zip_link}){{ .md-button .md-button--primary .step-download }} "
             f"this step alone, ready to run, or get [the whole repository]({home}#get-the-code).", "",
             '??? note "How to run it"', ""]
    lines += ["    " + line if line else "" for line in run_instructions(step, config).splitlines()]
    return "\n".join(lines) + "\n"


def run_instructions(step, config):
    number = step.name[:2]
    clone = ""
    if config.repo_url:
        clone = (f"With the whole repository (`git clone {config.repo_url}`), from its folder, "
                 f"`make run STEP={number}` does all of this.\n\n")
    return (f"{clone}From the zip, in a terminal (Python 3.11 or newer):\n\n"
            f'```bash title="in the folder that holds {step.name}.zip"\n'
            f"unzip {step.name}.zip && cd {step.name}\n"
            "python3 -m venv .venv && . .venv/bin/activate\n"
            "pip install -r requirements.txt\n"
            "flask --app authapp db upgrade\n"
            "flask --app authapp run\n"
            "```\n\n"
            f"The app answers on http://127.0.0.1:5000. In the repository, `make run STEP={number}` "
            "does the same.\n")


def changes(page, step, markdown, config):
    need_step(page, step, "changes")
    previous = previous_step(step)
    if previous is None:
        return stepdiff.first_step_summary(step)
    return stepdiff.summary(previous, step, shown_in_full(markdown, step))


def complete_diff(page, step, markdown, config):
    need_step(page, step, "complete-diff")
    previous = previous_step(step)
    if previous is None:
        raise ValueError("the first step has no previous step to diff against")
    return stepdiff.complete_diff(previous, step, shown_in_full(markdown, step))


def expected_names(page, step, markdown, config):
    need_step(page, step, "expected-names")
    return expected.markdown(step, previous_step(step))


def try_it(page, step, markdown, config):
    need_step(page, step, "try-it")
    return tryit.markdown(step)


def break_it(page, step, markdown, config):
    need_step(page, step, "break-it")
    return breakit.markdown(step)


def all_the_code(page, config):
    here = posixpath.dirname(page.file.src_uri)
    repository = posixpath.relpath(downloads.REPOSITORY_ZIP, here or ".")
    out = []
    if config.repo_url:
        out += ["With git:\n", f'```bash title="in a terminal"\ngit clone {config.repo_url}\n```\n',
                f"or download [the whole repository as a zip]({repository}).\n"]
    else:
        out.append(f"[Download the whole repository]({repository}){{ .md-button .md-button--primary }} "
                   "every step, the tests, these pages: what `make run` and `make test` need.\n")
    out.append("\nOr one step alone, ready to run without the rest (its folder and the pinned "
               "`requirements.txt`):\n")
    for step in all_steps():
        link = posixpath.relpath(downloads.step_zip_path(step), here or ".")
        out.append(f"- [`{step.name}.zip`]({link}): {page_link(page.file.src_uri, step)}")
    return "\n".join(out) + "\n"


def step_table(page, step, markdown, config):
    rows = ["| step | what it adds | reading | building it yourself |", "|---|---|--:|--:|"]
    total_read = total_build = 0
    for each in all_steps():
        page_path = step_folders.page(each)
        if not page_path:
            continue
        meta = stepmeta.read(page_path)
        total_read += meta.get("reading_time", 0)
        total_build += meta.get("build_time", 0)
        target = page_path.relative_to(ROOT / "docs").as_posix()
        link = posixpath.relpath(target, posixpath.dirname(page.file.src_uri) or ".")
        rows.append(f"| [{stepmeta.title(page_path).replace('Step ', '')}]({link}) | {meta.get('adds', '')} | "
                    f"{meta.get('reading_time', '?')} min | {meta.get('build_time', '?')} min |")
    rows.append(f"| **all steps** | | **{hours(total_read)}** | **{hours(total_build)}** |")
    return "\n".join(rows) + "\n"


def hours(minutes):
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def step_sizes(page, step, markdown, config):
    return stepdiff.sizes_table(all_steps(), lambda each: page_link(page.file.src_uri, each))


DIRECTIVES = {"step-header": step_header, "changes": changes, "complete-diff": complete_diff, "try-it": try_it,
              "expected-names": expected_names,
              "break-it": break_it,
              "get-the-code": get_the_code, "step-table": step_table, "step-sizes": step_sizes}


# ---------------------------------------------------------------- tables on phones

TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
# A row longer than this (in characters of text) doesn't fit across a phone:
# its table becomes a stack of cards there. Code is set wider than prose: page
# 02's file table, 42 characters mostly in `code`, is 508 px wide at 390 px.
PHONE_ROW = 36


def label_table_cells(page_html):
    """Give every cell of a wide table the name of its column (data-label), so
    that CSS can stack its rows as cards on a narrow screen instead of making
    the page scroll sideways. Narrow tables stay tables."""

    def text(cell):
        return html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()

    def label(match):
        table = match[1]
        head = re.search(r"<thead>(.*?)</thead>", table, re.DOTALL)
        if not head:
            return match[0]
        names = [html.escape(text(cell), quote=True)
                 for cell in re.findall(r"<th[^>]*>(.*?)</th>", head[1], re.DOTALL)]
        rows = re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)
        widest = max((sum(len(text(cell)) + 2 for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL))
                      for row in rows), default=0)
        if widest <= PHONE_ROW:
            return match[0]

        def row(row_match):
            cells = iter(names)
            return re.sub(r"<td(?=[\s>])", lambda cell: f'<td data-label="{next(cells, "")}"', row_match[0])
        body = re.sub(r"<tr>.*?</tr>", row, table[head.end():], flags=re.DOTALL)
        return f"<table>{table[:head.end()]}{body}</table>"

    return TABLE.sub(label, page_html)

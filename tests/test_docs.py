"""The docs index lists every page, its links resolve, and the ops list is current."""
import os
import re
import runpy

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")


def pages():
    return sorted(f for f in os.listdir(DOCS) if f.endswith(".md") and f != "README.md")


def index_links():
    with open(os.path.join(DOCS, "README.md"), encoding="utf-8") as f:
        return re.findall(r"\]\(([^)#]+)\)", f.read())


def test_the_index_links_every_page():
    assert set(pages()) <= set(index_links())


def test_every_link_of_the_index_resolves():
    missing = [link for link in index_links()
               if not os.path.exists(os.path.join(DOCS, link))]
    assert not missing


def test_the_ops_list_is_what_the_generator_writes():
    generator = runpy.run_path(os.path.join(DOCS, "ops_list.py"))
    with open(os.path.join(DOCS, "ops.md"), encoding="utf-8") as f:
        current = f.read()
    assert current == generator["ops_table"](), \
        "docs/ops.md is out of date: run `python docs/ops_list.py`"

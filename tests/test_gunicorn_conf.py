"""gunicorn.conf.py: a worker freezes what it keeps after its first requests, and only then."""

import gc
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@pytest.fixture
def conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    gc.unfreeze()


def test_objects_kept_after_the_listed_requests_leave_the_collectors_sight(conf):
    gc.unfreeze()
    in_sight = len(gc.get_objects())
    conf.post_request(SimpleNamespace(nr=100), None, {}, None)
    assert gc.get_freeze_count() > 0
    assert len(gc.get_objects()) < in_sight


def test_other_requests_freeze_nothing(conf):
    gc.unfreeze()
    for nr in (1, 9, 11, 99, 101, 999):
        conf.post_request(SimpleNamespace(nr=nr), None, {}, None)
    assert gc.get_freeze_count() == 0


def test_garbage_is_collected_before_the_freeze(conf):
    gc.unfreeze()

    class Node:
        pass

    node = Node()
    node.self = node  # a cycle: only the collector frees it
    del node
    conf.post_request(SimpleNamespace(nr=10), None, {}, None)
    gc.unfreeze()  # what was frozen, back in sight for the check
    assert not any(type(o) is Node for o in gc.get_objects())

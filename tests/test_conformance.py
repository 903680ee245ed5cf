"""Protocol conformance through jupyter_kernel_test (0.7.0).

How the samples are used (read from jupyter_kernel_test/__init__.py):
- code_hello_world: a stdout stream containing "hello, world".
- code_stderr: at least one stderr stream.
- completion_samples: complete_request(text) with cursor at the end; set(matches) must be equal.
- complete/incomplete/invalid_code_samples: is_complete_request status.
- code_page_something: execute ok, exactly one payload, source "page", data has text/plain.
- code_generate_error: error reply and exactly one output message, of type "error".
- code_execute_result: execute_result with data[mime] == result.
- code_display_data: a display_data with the given mime.
- test_history runs the code_execute_result codes several times, then: tail n=len(codes) returns
  them in order as [session, line, source] (and [session, line, [input, output]] with
  output=True); range session/start..start+1 returns one entry; search for code_history_pattern
  returns >= 1, with unique=True exactly 1, with n=3 exactly 3 entries. The pattern therefore
  must match exactly one distinct source: it contains no glob metacharacters, so it works the
  same whether the kernel treats it as an IPython-style glob or as a substring.
- code_inspect_sample: inspect_reply ok, found, non-empty data.
- code_clear_output: a clear_output message.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import jupyter_kernel_test as jkt  # not `from ... import`: pytest would collect the base classes


class _PrivateHistory:
    """Each test class gets its own history file, so history searches see only its own cells."""

    _saved_history: str | None = None

    @classmethod
    def setUpClass(cls) -> None:
        cls._saved_history = os.environ.get("NEREUS_HISTORY")
        d = tempfile.mkdtemp(prefix="nereus-conformance-")
        os.environ["NEREUS_HISTORY"] = str(Path(d) / "history")
        super().setUpClass()  # type: ignore[misc]

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()  # type: ignore[misc]
        if cls._saved_history is None:
            os.environ.pop("NEREUS_HISTORY", None)
        else:
            os.environ["NEREUS_HISTORY"] = cls._saved_history


class NereusKernelTests(_PrivateHistory, jkt.KernelTests):
    kernel_name = "nereus"
    language_name = "nereus"
    file_extension = ".py"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'import sys\nprint("oops", file=sys.stderr)'

    completion_samples = [
        {"text": "pri", "matches": {"print"}},
        # Whether an attribute match is "sleep" (cursor_start after the dot) or "time.sleep"
        # (cursor_start at "time") is the kernel's choice; test_e2e.py::test_complete_attribute
        # checks that applying the completion gives "time.sleep".
        {"text": "import time\ntime.sl"},
    ]

    complete_code_samples = ["1 + 1", 'print("hello, world")', "x = 1", "for i in range(3):\n    print(i)\n"]
    incomplete_code_samples = ["for i in range(3):", "(1 +", "print(1,"]
    invalid_code_samples = ["1 +)", "a = = 1"]

    code_page_something = "print?"

    code_generate_error = "undefined_name"

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "40 + 2", "result": "42"},
        {"code": "x = 6\nx * 7", "result": "42"},
    ]

    code_display_data = [
        {"code": "display(5)", "mime": "text/plain"},
    ]

    code_history_pattern = "40 + 2"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "print"

    code_clear_output = "clear_output()"


class NereusIopubWelcomeTests(_PrivateHistory, jkt.IopubWelcomeTests):
    kernel_name = "nereus"
    support_iopub_welcome = True

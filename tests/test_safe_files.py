"""Outputs never lost, never half-written (issue 12: items 1 and 2, and the tracebacks of
item 3 about output paths and signals).

Every case runs the real command (in-process through ``ntm_analysis.cli.main``, or as a
child process where a signal or a resource limit is needed) and checks what the user
sees and what is left on disk:

- the exit code, and a message naming the path and what is wrong in words;
- no traceback;
- existing files unchanged, and nothing else written: the test folder's tree (every
  file's bytes and modification time, every folder, hidden ones included) is compared
  before and after, so a partial output or a temporary file left behind fails the case.

As root, permissions do not stop writing: the read-only cases drop the capability that
overrides them, for this thread and only while the command runs.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

import ntm_analysis  # noqa: E402
from ntm_analysis import cli, config  # noqa: E402
from ntm_analysis.core.errors import UserError  # noqa: E402
from ntm_analysis.io import files, pack as packs  # noqa: E402
from ntm_analysis.io.processed import PACK as TABLES  # noqa: E402
from ntm_analysis.load.api import load_plan  # noqa: E402
from ntm_analysis.present.report import build as report_build  # noqa: E402

PLAN_MD = Path(__file__).parent / "data" / "plans" / "an_lao_2024.md"
CSV_NAMES = ["gaps.csv", "communes.csv", "model_requirements.csv", "ocop.csv", "milestones.csv",
             "quantities.csv", "departments.csv", "completions.csv", "dependencies.csv"]


# ----------------------------------------------------------------- helpers
def tree(root: Path) -> dict[str, object]:
    """Every file (content hash and modification time) and folder under ``root``."""
    out: dict[str, object] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = ("link", os.readlink(p))
        elif p.is_dir():
            out[rel] = "<dir>"
        else:
            out[rel] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
    return out


def run(argv: list, capsys) -> tuple[int, str, str]:
    """``ntm ARGV`` in-process: (exit code, stdout, stderr); an uncaught exception fails."""
    capsys.readouterr()
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    except Exception as exc:  # what the user would see as a traceback
        pytest.fail(f"ntm {' '.join(map(str, argv))}: traceback {type(exc).__name__}: {exc}")
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    return code, out.out, out.err


def child_env() -> dict[str, str]:
    """The environment of a child ``ntm``: this tree's package first on the path."""
    env = dict(os.environ)
    root = str(Path(ntm_analysis.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([root] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.pop("NTM_REPORTS", None)
    return env


#: the address space a child ``ntm`` may use (a normal ``ntm report`` needs under 0.4 GiB)
MEMORY = 1 << 30


def ntm_child(argv: list, cwd: Path, fsize: int | None = None, prelude: str = "", **kwargs) -> subprocess.Popen:
    """``ntm ARGV`` as a child process, started as the ``ntm`` script starts it, its memory
    bounded (:data:`MEMORY`), its file size too if ``fsize``; ``prelude`` is Python run
    first (:func:`pause_at`, :func:`pause_import`)."""
    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    code = prelude + "import sys\nfrom ntm_analysis.cli import main\nsys.argv = ['ntm', *sys.argv[1:]]\nsys.exit(main())\n"
    return subprocess.Popen([sys.executable, "-c", code, *map(str, argv)], cwd=cwd, env=child_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limits, **kwargs)


def pause_at(target: str, n: int, seconds: float = 60) -> str:
    """A prelude: the ``n``-th call of ``target`` ("module:Class.method") prints "paused"
    and waits ``seconds`` first, so that a signal arrives at that very point."""
    module, attr = target.split(":")
    *owner, name = attr.split(".")
    return (f"import importlib, time\n_owner = importlib.import_module({module!r})\n"
            f"for _part in {owner!r}:\n    _owner = getattr(_owner, _part)\n"
            f"_real, _calls = getattr(_owner, {name!r}), []\n"
            f"def _paused(*args, **kwargs):\n    _calls.append(1)\n    if len(_calls) == {n}:\n"
            f"        print('paused', flush=True)\n        time.sleep({seconds})\n    return _real(*args, **kwargs)\n"
            f"setattr(_owner, {name!r}, _paused)\n")


def pause_import(module: str, seconds: float = 60) -> str:
    """A prelude: the first import of ``module`` prints "paused" and waits first (Ctrl-C
    while ``ntm`` is still loading)."""
    return (f"import sys, time\nclass _Slow:\n    done = False\n"
            f"    def find_spec(self, name, path=None, target=None):\n"
            f"        if name == {module!r} and not self.done:\n            self.done = True\n"
            f"            print('paused', flush=True)\n            time.sleep({seconds})\n        return None\n"
            f"sys.meta_path.insert(0, _Slow())\n")


def hold_lock(lock: Path, place: Path) -> subprocess.Popen:
    """Another process holding the lock ``lock`` (as a run writing ``place`` does) until
    its standard input closes."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom pathlib import Path\nfrom ntm_analysis.io.files import output_lock\n"
         "with output_lock(Path(sys.argv[1]), sys.argv[2]):\n    print('ok', flush=True)\n    sys.stdin.read()\n",
         str(lock), str(place)], env=child_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ok"
    return holder


def wait_for(test, what: str, timeout: float = 60) -> None:
    """Poll ``test()`` until it is true; fail after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while not test():
        if time.monotonic() > end:
            pytest.fail(f"waited {timeout} s for {what}")
        time.sleep(0.01)


def catches(pid: int, signum: int) -> bool:
    """Whether process ``pid`` has a handler for ``signum`` (Linux: /proc/PID/status)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = next(int(line.split()[1], 16) for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(mask >> (signum - 1) & 1)


def staged_file(out: Path) -> bool:
    """A staging folder in ``out`` holds a finished chart: the pack is half written."""
    return any(p.suffix == ".png" for d in out.glob(packs.STAGING_PREFIX + "*") for p in d.glob("*"))


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


@contextlib.contextmanager
def permissions_apply() -> Iterator[None]:
    """File permissions stop this thread: as root, its effective capabilities to override
    them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) are dropped, and given back after."""
    if os.geteuid() != 0:
        yield
        return
    libc = ctypes.CDLL(None, use_errno=True)
    data = (_CapData * 2)()
    assert libc.capget(ctypes.byref(_CapHeader(0x20080522, 0)), data) == 0
    saved = data[0].effective
    data[0].effective &= ~((1 << 1) | (1 << 2))
    assert libc.capset(ctypes.byref(_CapHeader(0x20080522, 0)), data) == 0
    try:
        yield
    finally:
        data[0].effective = saved
        assert libc.capset(ctypes.byref(_CapHeader(0x20080522, 0)), data) == 0


def loop(tmp_path: Path, name: str = "vong_a") -> Path:
    """Two symbolic links pointing at each other; returns the first."""
    (tmp_path / name).symlink_to("vong_b")
    (tmp_path / "vong_b").symlink_to(name)
    return tmp_path / name


@pytest.fixture(scope="module")
def plan(make_plan):
    """A plan of two communes (its pack draws fast)."""
    return make_plan(communes=["An Bình", {"commune": "Hòa Lạc", "target_level": "kieu_mau"}],
                     gaps=[("An Bình", "8", "2023Q2"), ("An Bình", "13", "2023Q3"), ("Hòa Lạc", "KM3", None)],
                     ocop=[("An Bình", "Dưa", "da_chon", 3)])


@pytest.fixture(scope="module")
def old_pack(tmp_path_factory, plan) -> Path:
    """A briefing pack with the scenario chart, written once (small charts)."""
    from ntm_analysis.io.scenario_files import parse_scenario

    out = tmp_path_factory.mktemp("goi_cu") / "bao_cao"
    scenario = parse_scenario("name: An Bình chậm\nedits:\n- {commune: An Bình, criterion: 13, shift: 1}\n")
    report_build.build_report(plan, out, scenario=scenario, dpi=30)
    return out


@pytest.fixture
def pack(old_pack, tmp_path) -> Path:
    """A copy of the old pack in this test's folder, with a user's file beside it."""
    out = tmp_path / "bao_cao"
    shutil.copytree(old_pack, out)
    (out / "ghi_chu_cua_toi.txt").write_text("ghi chú của tôi", encoding="utf-8")
    return out


@pytest.fixture
def tables(tmp_path, capsys) -> Path:
    """The processed tables of the embedded plan, built once, with a user's file beside them."""
    out = tmp_path / "processed"
    assert run(["build", "--out", out], capsys)[0] == 0
    (out / "ghi_chu_cua_toi.txt").write_text("ghi chú của tôi", encoding="utf-8")
    return out


# ----------------------------------------------------------------- 1. a user's file is never destroyed
def test_template_never_replaces_an_existing_workbook(tmp_path, capsys):
    mine = tmp_path / "mine.xlsx"
    shutil.copy(config.DEFAULT_WORKBOOK, mine)  # a filled workbook of 13 communes
    before = tree(tmp_path)
    code, out, err = run(["template", mine], capsys)
    assert code == 2 and str(mine) in err and "tệp đã có nên không ghi đè" in err and "--force" in err
    assert out == "" and tree(tmp_path) == before

    code, out, err = run(["template", mine, "--force", "--district", "Thử"], capsys)
    assert code == 0, err
    wb = load_workbook(mine)
    assert wb.sheetnames[0] == "Hướng dẫn" and wb["Xã"].max_row == 1  # an empty template now
    assert sorted(tree(tmp_path)) == ["mine.xlsx"]  # no temporary file, no lock left


def test_extract_never_replaces_the_default_workbook(tmp_path, capsys):
    plan = tmp_path / "ke_hoach_2024.md"
    shutil.copy(PLAN_MD, plan)
    workbook = tmp_path / "ke_hoach_2024.xlsx"  # the default output, already a user's workbook
    shutil.copy(config.DEFAULT_WORKBOOK, workbook)
    other = tmp_path / "khac.xlsx"
    other.write_bytes(b"not a workbook, but mine")
    before = tree(tmp_path)
    for argv, named in ((["extract", plan], workbook), (["extract", plan, "--out", other], other)):
        code, out, err = run(argv, capsys)
        assert code == 2 and f"{named}: tệp đã có nên không ghi đè" in err and "--force" in err, err
        assert "Đã ghi" not in out and tree(tmp_path) == before

    code, out, err = run(["extract", plan, "--force"], capsys)
    assert code == 0 and f"Đã ghi {workbook}" in out, err
    communes = [r[0] for r in load_workbook(workbook)["Xã"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert communes == ["An Tiến", "An Thắng", "Quốc Tuấn", "Chiến Thắng", "An Hưng"]  # the plan's, as written
    assert sorted(tree(tmp_path)) == ["ke_hoach_2024.md", "ke_hoach_2024.xlsx", "khac.xlsx"]


def test_build_twice_replaces_its_own_tables_and_never_a_users_file(tables, capsys):
    (tables / "cua_toi").mkdir()
    (tables / "cua_toi" / "gaps.csv").write_text("của tôi", encoding="utf-8")
    user_files = {k: v for k, v in tree(tables).items() if k.startswith(("ghi_chu", "cua_toi"))}
    code, out, err = run(["build", "--out", tables], capsys)
    assert code == 0, err
    after = tree(tables)
    assert {k: v for k, v in after.items() if k.startswith(("ghi_chu", "cua_toi"))} == user_files
    assert sorted(set(after) - set(user_files)) == sorted(CSV_NAMES + [packs.record_name(TABLES)])


@pytest.mark.parametrize("command, name", [("build", "gaps.csv"), ("report", "tom_tat.md")])
def test_a_users_file_of_a_pack_name_is_refused(command, name, tmp_path, capsys):
    out = tmp_path / "ra"
    out.mkdir()
    (out / name).write_text("của tôi", encoding="utf-8")
    (out / "ghi_chu.txt").write_text("ghi chú", encoding="utf-8")
    before = tree(tmp_path)
    code, stdout, err = run([command, "--out", out], capsys)
    assert code == 2 and f"{out}: đã có {name}, không phải do lần chạy trước của ntm ghi ra" in err, err
    assert "--force" in err and stdout == "" and tree(tmp_path) == before
    if command == "build":  # (a whole report takes longer: its --force is in test_redesign)
        code, _out, err = run(["build", "--out", out, "--force"], capsys)
        assert code == 0, err
        assert (out / name).read_text(encoding="utf-8-sig").startswith("commune_id,commune,")
        assert tree(tmp_path)["ra/ghi_chu.txt"] == before["ra/ghi_chu.txt"]


def test_build_refuses_a_table_changed_since_it_was_written(tables, capsys):
    with open(tables / "ocop.csv", "a", encoding="utf-8") as f:
        f.write("sửa tay\n")
    before = tree(tables)
    code, _out, err = run(["build", "--out", tables], capsys)
    assert code == 2 and "đã có ocop.csv" in err and "đã được sửa từ đó" in err
    assert tree(tables) == before


def test_the_projects_own_folder_takes_tables_written_before_records(tmp_path, capsys, monkeypatch):
    """``make run`` on a checkout built before the records: data/processed is ntm's own."""
    own = tmp_path / "data" / "processed"
    monkeypatch.setattr(config, "PROCESSED_DIR", own)
    assert run(["build"], capsys)[0] == 0
    (own / packs.record_name(TABLES)).unlink()  # as an older version left it
    (own / ".gitkeep").write_text("", encoding="utf-8")
    keep = tree(own)[".gitkeep"]
    for _ in range(2):  # and twice in a row
        code, _out, err = run(["build"], capsys)
        assert code == 0, err
    assert tree(own)[".gitkeep"] == keep and (own / packs.record_name(TABLES)).is_file()


def test_a_new_pack_removes_the_files_of_the_old_one_it_lacks(pack, plan):
    """The old pack has the scenario chart; the new one has none: no old chart lingers."""
    scenario_chart = report_build.CHART_FILES["scenario"]
    assert (pack / f"{scenario_chart}.png").exists()
    mine = tree(pack)["ghi_chu_cua_toi.txt"]
    result = report_build.build_report(plan, pack, dpi=30)
    names = sorted(p.name for p in result["files"])
    assert not any(n.startswith(scenario_chart) for n in names)
    after = tree(pack)
    assert sorted(after) == sorted(names + ["ghi_chu_cua_toi.txt", packs.record_name(report_build.PACK)])
    assert after["ghi_chu_cua_toi.txt"] == mine


# ----------------------------------------------------------------- 2. all or nothing
def test_a_full_disk_half_way_through_build_leaves_the_old_tables(tables, capsys, monkeypatch):
    before = tree(tables)
    real = pd.DataFrame.to_csv
    calls = []

    def to_csv(self, path, *args, **kwargs):  # the sixth table fills the disk half way
        calls.append(path)
        if len(calls) == 6:
            Path(path).write_bytes(b"commune_id,comm")
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv)
    code, out, err = run(["build", "--out", tables], capsys)
    assert code == 1 and f"{tables / CSV_NAMES[5]}: không ghi được (ổ đĩa đầy)" in err
    assert len(calls) == 6 and tree(tables) == before


def test_a_full_disk_half_way_through_the_pack_leaves_the_old_pack(pack, plan, monkeypatch):
    """The charts and the workbook are written, the slides fill the disk."""
    from pptx.presentation import Presentation

    before = tree(pack)

    def save(self, file):
        Path(file).write_bytes(b"PK\x03\x04")
        raise OSError(errno.ENOSPC, "No space left on device", str(file))

    monkeypatch.setattr(Presentation, "save", save)
    with pytest.raises(UserError) as caught:
        report_build.build_report(plan, pack, dpi=30, lang="en")
    assert str(caught.value) == f"{pack / report_build.FILES['deck']}: cannot be written (the disk is full)"
    assert caught.value.exit_code == 1 and tree(pack) == before


def test_a_full_disk_while_extracting_leaves_the_old_workbook(tmp_path, capsys, monkeypatch):
    import xlsxwriter.workbook

    plan = tmp_path / "ke_hoach.md"
    shutil.copy(PLAN_MD, plan)
    shutil.copy(config.DEFAULT_WORKBOOK, tmp_path / "ke_hoach.xlsx")
    before = tree(tmp_path)

    def store(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", store)
    code, out, err = run(["extract", plan, "--force"], capsys)
    assert code == 1 and f"{tmp_path / 'ke_hoach.xlsx'}: không ghi được (ổ đĩa đầy)" in err
    assert tree(tmp_path) == before


def test_a_file_size_limit_stops_build_and_leaves_the_old_tables(tables):
    """A real limit (``setrlimit(RLIMIT_FSIZE)``) in the child: the first table outgrows it."""
    before = tree(tables)

    child = ntm_child(["build", "--out", tables], tables.parent, fsize=4096)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 1 and "Traceback" not in err, err
    assert f"{tables / 'gaps.csv'}: không ghi được (tệp vượt quá giới hạn kích thước được phép)" in err
    assert tree(tables) == before


def test_a_file_size_limit_stops_the_pack_and_leaves_the_old_one(pack, tmp_path):
    before = tree(tmp_path)
    child = ntm_child(["report", "--out", pack], tmp_path, fsize=4096)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 1 and "Traceback" not in err, err
    assert f"{pack}{os.sep}" in err and "không ghi được (tệp vượt quá giới hạn kích thước được phép)" in err
    assert out == "" and tree(tmp_path) == before


def test_a_file_size_limit_stops_extract_and_leaves_the_old_workbook(tmp_path):
    plan = tmp_path / "ke_hoach.md"
    shutil.copy(PLAN_MD, plan)
    shutil.copy(config.DEFAULT_WORKBOOK, tmp_path / "ke_hoach.xlsx")
    before = tree(tmp_path)
    child = ntm_child(["extract", plan, "--force"], tmp_path, fsize=4096)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 1 and "Traceback" not in err, err
    assert f"{tmp_path / 'ke_hoach.xlsx'}: không ghi được (tệp vượt quá giới hạn kích thước được phép)" in err
    assert "Đã ghi" not in out and tree(tmp_path) == before


SIGNALS = [(signal.SIGINT, 130, "đã dừng (Ctrl-C)"), (signal.SIGTERM, 143, "đã dừng vì được yêu cầu kết thúc")]


@pytest.mark.parametrize("signum, code, words", SIGNALS)
def test_a_signal_half_way_through_build_leaves_the_old_tables(signum, code, words, tables, tmp_path):
    before = tree(tmp_path)
    child = ntm_child(["build", "--out", tables], tmp_path, prelude=pause_at("pandas:DataFrame.to_csv", 5))
    assert child.stdout.readline() == "paused\n"
    staged = sorted(p.name for p in next(tables.glob(packs.STAGING_PREFIX + "*")).iterdir())
    assert staged[0].startswith(".milestones.csv.") and staged[1:] == sorted(CSV_NAMES[:4])  # half written
    child.send_signal(signum)
    out, err = child.communicate(timeout=60)
    assert child.returncode == code and err.strip() == f"ntm: {words}; không có tệp nào bị ghi dở", err
    assert out == "" and tree(tmp_path) == before


@pytest.mark.parametrize("signum, code, words", SIGNALS)
def test_a_signal_while_extracting_leaves_the_old_workbook(signum, code, words, tmp_path):
    plan = tmp_path / "ke_hoach.md"
    shutil.copy(PLAN_MD, plan)
    shutil.copy(config.DEFAULT_WORKBOOK, tmp_path / "ke_hoach.xlsx")
    before = tree(tmp_path)
    child = ntm_child(["extract", plan, "--force"], tmp_path,
                      prelude=pause_at("xlsxwriter.workbook:Workbook._store_workbook", 1))
    assert child.stdout.readline() == "paused\n"
    assert list(tmp_path.glob(".ke_hoach.xlsx.*.xlsx"))  # the temporary workbook, being written
    child.send_signal(signum)
    out, err = child.communicate(timeout=60)
    assert child.returncode == code and err.strip() == f"ntm: {words}; không có tệp nào bị ghi dở", err
    assert out == "" and tree(tmp_path) == before


def test_a_signal_during_the_swap_waits_until_the_new_tables_are_in(tables, tmp_path):
    """Half way through moving the old tables out, SIGTERM is held: the swap ends, then ntm stops."""
    before = tree(tables)
    child = ntm_child(["build", "--out", tables], tmp_path, prelude=pause_at("os:rename", 3, seconds=2))
    assert child.stdout.readline() == "paused\n"
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 143 and err.strip() == "ntm: đã dừng vì được yêu cầu kết thúc; không có tệp nào bị ghi dở"
    after = tree(tables)
    record = json.loads((tables / packs.record_name(TABLES)).read_text(encoding="utf-8"))["files"]
    assert sorted(record) == sorted(CSV_NAMES) and sorted(after) == sorted(before)  # no staging folder, no lock
    for name in CSV_NAMES:  # every table is the new one, whole
        assert after[name][1] != before[name][1] and after[name][0] == record[name]
    assert after["ghi_chu_cua_toi.txt"] == before["ghi_chu_cua_toi.txt"]


def test_a_swap_failing_half_way_puts_the_old_tables_back(tables, capsys, monkeypatch):
    before = tree(tables)
    real = os.rename
    moved_in = []

    def rename(src, dst):  # the third new table cannot be moved in
        if Path(src).parent.name.startswith(packs.STAGING_PREFIX) and Path(dst).parent == tables:
            moved_in.append(dst)
            if len(moved_in) == 3:
                raise OSError(errno.EIO, "Input/output error", str(dst))
        return real(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    code, out, err = run(["build", "--out", tables], capsys)
    assert code == 1 and f"{tables}: không ghi được (lỗi đọc ghi của ổ đĩa)" in err
    assert len(moved_in) == 3 and tree(tables) == before


def test_a_second_run_into_the_same_folder_is_refused(tables, capsys, tmp_path):
    holder = hold_lock(tables / files.LOCK_NAME, tables)
    try:
        before = tree(tmp_path)
        for argv in (["build", "--out", tables], ["report", "--out", tables]):
            code, out, err = run(argv, capsys)
            assert code == 1 and f"{tables}: một lệnh ntm khác đang ghi vào đây" in err, err
            assert tree(tmp_path) == before
    finally:
        holder.communicate("", timeout=30)
    assert run(["build", "--out", tables], capsys)[0] == 0
    assert not (tables / files.LOCK_NAME).exists()


def test_a_second_run_writing_the_same_workbook_is_refused(tmp_path, capsys):
    plan = tmp_path / "ke_hoach.md"
    shutil.copy(PLAN_MD, plan)
    workbook = tmp_path / "ke_hoach.xlsx"
    holder = hold_lock(tmp_path / f".{workbook.name}{files.LOCK_NAME}", workbook)
    try:
        before = tree(tmp_path)
        for argv in (["extract", plan], ["template", workbook]):
            code, out, err = run(argv, capsys)
            assert code == 1 and f"{workbook}: một lệnh ntm khác đang ghi vào đây" in err, err
            assert out == "" and tree(tmp_path) == before
    finally:
        holder.communicate("", timeout=30)
    assert run(["extract", plan], capsys)[0] == 0
    assert sorted(tree(tmp_path)) == ["ke_hoach.md", "ke_hoach.xlsx"]


# ----------------------------------------------------------------- 3. paths: a message, never a traceback
def _out_cases(tmp: Path) -> list[tuple[list, int, str, str]]:
    """(argv, exit code, path named, words) of output paths that cannot be written."""
    plan = tmp / "ke_hoach.md"
    shutil.copy(PLAN_MD, plan)
    (tmp / "tep").write_text("một tệp", encoding="utf-8")
    looped = loop(tmp)
    long_name = tmp / ("x" * 300)
    deep = tmp / ("thu_muc/" * 600)  # over 4096 characters
    (tmp / "thu_muc.xlsx").mkdir()
    (tmp / "goi" / "tom_tat.md").mkdir(parents=True)
    return [
        (["build", "--out", looped / "bang"], 2, looped / "bang", "vòng liên kết tượng trưng"),
        (["report", "--out", looped], 2, looped, "vòng liên kết tượng trưng"),
        (["report", "--out", looped, "--lang", "en"], 2, looped, "a symbolic link loop"),
        (["template", looped / "mau.xlsx"], 2, looped / "mau.xlsx", "vòng liên kết tượng trưng"),
        (["extract", plan, "--out", looped / "so.xlsx"], 2, looped / "so.xlsx", "vòng liên kết tượng trưng"),
        (["build", "--out", long_name], 2, files.shown(long_name), "tên tệp hoặc đường dẫn quá dài"),
        (["report", "--out", deep], 2, files.shown(deep), "tên tệp hoặc đường dẫn quá dài"),
        (["template", tmp / ("y" * 300 + ".xlsx")], 2, files.shown(tmp / ("y" * 300 + ".xlsx")),
         "tên tệp hoặc đường dẫn quá dài"),
        (["extract", plan, "--out", tmp / ("z" * 300 + ".xlsx")], 2, files.shown(tmp / ("z" * 300 + ".xlsx")),
         "tên tệp hoặc đường dẫn quá dài"),
        (["build", "--out", tmp / "tep" / "bang"], 2, tmp / "tep", "đã có một tệp trùng tên, cần một thư mục"),
        (["build", "--out", tmp / "tep"], 2, tmp / "tep", "đã có một tệp trùng tên, cần một thư mục"),
        (["report", "--out", tmp / "tep"], 2, tmp / "tep", "đã có một tệp trùng tên, cần một thư mục"),
        (["template", tmp / "tep" / "mau.xlsx"], 2, tmp / "tep", "đã có một tệp trùng tên, cần một thư mục"),
        (["template", tmp / "thu_muc.xlsx"], 1, tmp / "thu_muc.xlsx", "đã có một thư mục trùng tên"),
        (["template", tmp / "thu_muc.xlsx", "--force"], 1, tmp / "thu_muc.xlsx", "đã có một thư mục trùng tên"),
        (["extract", plan, "--out", tmp / "thu_muc.xlsx"], 1, tmp / "thu_muc.xlsx", "đã có một thư mục trùng tên"),
        (["report", "--out", tmp / "goi", "--force"], 1, tmp / "goi" / "tom_tat.md", "đã có một thư mục trùng tên"),
    ]


N_OUT_CASES = 17


@pytest.mark.parametrize("case", range(N_OUT_CASES))
def test_an_output_path_that_cannot_be_written_is_a_message(case, tmp_path, capsys):
    cases = _out_cases(tmp_path)
    assert len(cases) == N_OUT_CASES
    argv, code, named, words = cases[case]
    before = tree(tmp_path)
    got, out, err = run(argv, capsys)
    assert got == code and f"{named}:" in err and words in err, err
    assert tree(tmp_path) == before


def test_a_read_only_folder_is_a_message(pack, capsys, tmp_path):
    plan = tmp_path / "ke_hoach.md"
    shutil.copy(PLAN_MD, plan)
    before = tree(tmp_path)
    pack.chmod(0o555)
    try:
        with permissions_apply():
            for argv, named in ((["report", "--out", pack], pack), (["build", "--out", pack / "bang"], pack / "bang"),
                                (["template", pack / "mau.xlsx"], pack / "mau.xlsx"),
                                (["extract", plan, "--out", pack / "so.xlsx"], pack / "so.xlsx")):
                code, out, err = run(argv, capsys)
                assert code == 2 and f"{named}: không ghi được (không có quyền ghi vào đây)" in err, (argv, err)
    finally:
        pack.chmod(0o755)
    assert tree(tmp_path) == before


def test_a_read_only_disk_is_a_message(tmp_path, capsys, monkeypatch):
    def mkdir(path, mode=0o777):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(os, "mkdir", mkdir)
    code, out, err = run(["build", "--out", tmp_path / "bang"], capsys)
    assert code == 2 and f"{tmp_path / 'bang'}: không ghi được (ổ đĩa chỉ cho đọc)" in err
    assert tree(tmp_path) == {}


@pytest.mark.parametrize("argv", [["summary", "--data"], ["build", "--data"], ["report", "--data"], ["validate"],
                                  ["extract"], ["report", "--scenario"]])
def test_a_symlink_loop_to_read_is_a_message(argv, tmp_path, capsys):
    looped = loop(tmp_path, "ke_hoach.md" if argv == ["extract"] else "vong_a")
    before = tree(tmp_path)
    code, out, err = run([*argv, looped, *(["--out", tmp_path / "ra"] if argv[0] in ("build", "report") else [])],
                         capsys)
    assert code == 2 and f"{looped}: không đọc được (vòng liên kết tượng trưng" in err, err
    assert tree(tmp_path) == before


#: (command before the input, the input's name, exit code when missing or a folder, words when missing)
READERS = {
    "summary": (["summary", "--data"], "so.xlsx", 2, "không tìm thấy tệp"),
    "validate": (["validate"], "so.xlsx", 2, "không tìm thấy tệp"),
    "extract": (["extract"], "ke_hoach.md", 1, "không tìm thấy tệp kế hoạch"),
    "report": (["report", "--scenario"], "kich_ban.yaml", 2, "không tìm thấy tệp kịch bản"),
    "scenario": (["scenario"], "kich_ban.yaml", 2, "không tìm thấy tệp kịch bản"),
}


@pytest.mark.parametrize("problem", ["missing", "unreadable", "folder"])
@pytest.mark.parametrize("command", sorted(READERS))
def test_an_input_that_cannot_be_read_is_a_message(command, problem, tmp_path, capsys):
    argv, name, code, missing_words = READERS[command]
    path = tmp_path / name
    if problem == "unreadable":
        shutil.copy({".xlsx": config.DEFAULT_WORKBOOK, ".md": PLAN_MD}.get(path.suffix, config.DEFAULT_WORKBOOK),
                    path)
        path.chmod(0)
    elif problem == "folder":
        path.mkdir()
    before = tree(tmp_path)
    with permissions_apply():
        got, out, err = run([*argv, path, *(["--out", tmp_path / "ra"] if command == "report" else [])], capsys)
    words = {"missing": missing_words, "unreadable": "không đọc được (không có quyền đọc)", "folder": "là thư mục"}
    assert got == (2 if problem == "unreadable" else code) and f"{path}: {words[problem]}" in err, err
    assert out == "" and tree(tmp_path) == before


# ----------------------------------------------------------------- signals
def test_ctrl_c_during_start_up_is_a_short_message(tmp_path):
    out = tmp_path / "bao_cao"
    child = ntm_child(["report", "--out", out], tmp_path)
    wait_for(lambda: catches(child.pid, signal.SIGTERM) or child.poll() is not None, "ntm to start")
    child.send_signal(signal.SIGINT)
    stdout, err = child.communicate(timeout=60)
    assert child.returncode == 130 and err.strip() == "ntm: đã dừng (Ctrl-C); không có tệp nào bị ghi dở", err
    assert stdout == "" and tree(tmp_path) == {}


def test_ctrl_c_while_ntm_loads_is_a_short_message(tmp_path):
    """Ctrl-C while Python imports the command line itself (as the ``ntm`` script does)."""
    child = ntm_child(["report", "--out", tmp_path / "bao_cao"], tmp_path,
                      prelude=pause_import("ntm_analysis.cli.parser"))
    assert child.stdout.readline() == "paused\n"
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130 and err.strip() == "ntm: đã dừng (Ctrl-C); không có tệp nào bị ghi dở", err
    assert out == "" and tree(tmp_path) == {}


@pytest.mark.parametrize("signum, code, words", SIGNALS)
def test_a_signal_half_way_through_the_pack_leaves_the_old_pack(signum, code, words, pack, tmp_path):
    before = tree(tmp_path)
    child = ntm_child(["report", "--out", pack], tmp_path)
    wait_for(lambda: staged_file(pack) or child.poll() is not None, "the first chart in the staging folder")
    child.send_signal(signum)
    stdout, err = child.communicate(timeout=60)
    assert child.returncode == code and err.strip() == f"ntm: {words}; không có tệp nào bị ghi dở", err
    assert stdout == "" and tree(tmp_path) == before

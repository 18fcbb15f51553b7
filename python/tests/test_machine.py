"""mmusim.Machine: page-table editing and the walk, with values from the SDM / RISC-V spec."""
import os
import re
import tracemalloc

import numpy as np
import pytest

import mmusim

USER_RW = "rwu"


@pytest.fixture
def m():
    with mmusim.Machine(config="x86_64") as machine:
        machine.map(0x400000, 0x200000, 0x2000, USER_RW)
        yield machine


def test_translate_maps_va_to_pa_with_its_walk(m):
    t = m.translate(0x400123)
    assert t.pa == 0x200123
    assert t.fault is None
    assert (t.level, t.page_size, t.perms) == (1, 4096, "rw-u-")
    # 4-level paging reads PML4E, PDPTE, PDE, PTE: levels 4..1; the index of level 1 is VA bits 20:12.
    assert [s.level for s in t.steps] == [4, 3, 2, 1]
    assert t.steps[-1].index == 0
    assert [s.index for s in t.steps[:3]] == [0, 0, 2]  # 0x400000 >> 21 = 2 in the PD
    assert t.steps[-1].pte_addr == t.steps[-1].table + 0 * 8


def test_translate_fault_has_kind_level_and_error_code(m):
    # The PT node exists (0x400000 shares it); its entry 2 is not present.  #PF error code:
    # P=0 (not present), W/R=1 (write), U/S=1 (user) -> 0x6 (SDM vol. 3 4.7).
    t = m.translate(0x402000, access="w", user=True)
    assert t.pa is None
    assert t.fault == mmusim.Fault("not-present", 1, 0x6)
    assert len(t.steps) == 4


def test_fault_reason_names_the_entry_that_faulted(m):
    # 0x40000000 is PDPT index 1 (VA bits 38:30): the PDPTE there is not present (SDM vol. 3 4.5).
    t = m.translate(0x40000000)
    assert t.fault.level == 3
    assert t.reason == "the PDPTE is not present (P/V bit clear)"
    # 4-level paging: bits 63:48 must copy bit 47.
    assert m.translate(0x800000000000).reason == "the VA is not canonical: bits 63:48 are not all copies of bit 47"
    assert m.translate(0x400123).reason is None


def test_huge_page_and_protect_and_unmap():
    with mmusim.Machine("x86_64") as m:
        m.map(0x40000000, 0x80000000, 2 << 20, "rwu")
        t = m.translate(0x40012345, access="w")
        assert (t.pa, t.level, t.page_size) == (0x80012345, 2, 2 << 20)
        m.protect(0x40000000, 2 << 20, "ru")
        # Present, write, user: P|W|U = 0x7, a rights fault at the leaf (level 2).
        assert m.translate(0x40012345, access="w").fault == mmusim.Fault("permission", 2, 0x7)
        assert m.translate(0x40012345, access="r").pa == 0x80012345
        m.unmap(0x40000000, 2 << 20)
        assert m.translate(0x40012345).fault.kind == "not-present"


def test_supervisor_and_riscv_config():
    with mmusim.Machine("sv39") as m:
        m.map(0x10000, 0x80200000, 0x1000, "rw")  # no U: a supervisor page
        assert m.translate(0x10010, user=False).pa == 0x80200010
        # RISC-V: a user load from a supervisor page is a load page fault, scause 13.
        assert m.translate(0x10010, user=True).fault == mmusim.Fault("permission", 1, 13)
        assert m.translate(0x10010, access="w", user=True).fault.code == 15  # store page fault


def test_mappings_lists_leaves_in_order(m):
    m.map(0x600000, 0x300000, 0x1000, "ru")
    got = m.mappings()
    assert [(x.va, x.pa, x.size, x.level) for x in got] == [
        (0x400000, 0x200000, 4096, 1), (0x401000, 0x201000, 4096, 1), (0x600000, 0x300000, 4096, 1)]
    assert got[2].perms == "r--u-"
    assert got[0].cache == "wb"


def test_explain_is_the_cli_text(m, cli):
    rc, out, err = cli("--config", "x86_64", "explain", "--color=never", "--map", "0x400000 0x200000 0x2000 rwu",
                       "--access", "w", "0x401234")
    assert rc == 0, err
    assert m.explain(0x401234, access="w") == out
    rc, out, _ = cli("--config", "x86_64", "explain", "--color=never", "--map", "0x400000 0x200000 0x2000 rwu",
                     "0x7000")
    assert m.explain(0x7000) == out


def test_translate_many_equals_a_loop(m):
    m.map(0x40000000, 0x80000000, 2 << 20, "ru")
    rng = np.random.default_rng(19)
    vas = np.concatenate([rng.integers(0x3ff000, 0x403000, 500, dtype=np.uint64),
                          rng.integers(0x40000000, 0x40200000, 500, dtype=np.uint64),
                          np.array([0x800000000000, 0xffff800000000000], dtype=np.uint64)])
    for access in "rw":
        pa, kind = m.translate_many(vas, access=access)
        assert pa.dtype == np.uint64 and kind.dtype == np.uint8 and pa.shape == vas.shape
        for va, p, k in zip(vas.tolist(), pa.tolist(), kind.tolist()):
            t = m.translate(va, access=access)
            assert p == (t.pa or 0)
            assert mmusim.FAULT_KINDS[k] == (t.fault.kind if t.fault else "none")
    assert mmusim.FAULT_KINDS[kind[-2]] == "non-canonical"
    assert m.translate_many(np.array([], dtype=np.uint64))[0].size == 0


ERRORS = [
    # (call, exception class, the C message; the CLI says the same after its own prefix)
    (lambda m: m.map(0x400001, 0x200000, 0x1000, "rw"), mmusim.UnalignedError,
     "VA 0x400001 is not aligned to the 4096-byte page"),
    (lambda m: m.map(0x400000, 0x200000, 0x1000, "rq"), mmusim.InvalidError, "bad flag 'q' in 'rq' (flags are letters of r w x u g a d)"),
    (lambda m: m.map(0x800000000000, 0x200000, 0x1000, "rw"), mmusim.RangeError,
     "VA 0x800000000000 is not canonical for 48-bit addresses"),
]


@pytest.mark.parametrize("call,cls,message", ERRORS)
def test_errors_carry_the_c_message(call, cls, message):
    with mmusim.Machine("x86_64") as m:
        with pytest.raises(cls) as e:
            call(m)
        assert isinstance(e.value, mmusim.Error)
        assert e.value.message == message
        assert str(e.value) == message


def test_error_messages_are_the_cli_ones(cli):
    rc, _, err = cli("--config", "x86_64", "translate", "--map", "0x400001 0x200000 0x1000 rw", "0x400000")
    assert rc == 2
    assert err == "mmusim: --map:1: " + ERRORS[0][2] + "\n"


def test_config_errors():
    with pytest.raises(mmusim.FileError) as e:
        mmusim.Machine("no-such-preset")
    assert e.value.message.startswith("no-such-preset: no such file or preset (presets: ")


def test_config_file_error_names_file_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: x86_64\nnr_levels: 7\n")
    with pytest.raises(mmusim.InvalidError) as e:
        mmusim.Machine(bad)
    assert e.value.message.startswith(f"{bad}:2:")


def test_bad_arguments_raise_value_errors(m):
    with pytest.raises(ValueError, match="bad access 'q'"):
        m.translate(0x400000, access="q")
    with pytest.raises(ValueError, match="bad cache policy 'zz'"):
        m.map(0x400000, 0x200000, 0x1000, "r", cache="zz")


def test_bad_arguments_are_mmusim_errors_too(m):
    """README: every failure raises a subclass of mmusim.Error; these were plain ValueErrors."""
    with pytest.raises(mmusim.InvalidError, match="bad access 7"):
        m.translate(0x400000, access=7)
    with pytest.raises(mmusim.InvalidError, match="bad cache policy 'zz'"):
        m.map(0x400000, 0x200000, 0x1000, "r", cache="zz")
    with mmusim.Replay("x86_64") as r:
        with pytest.raises(mmusim.InvalidError, match="kinds has shape"):
            r.feed(np.zeros(3, dtype=np.uint64), np.zeros(2, dtype=np.uint8))
        with pytest.raises(mmusim.InvalidError, match="bad access 'z'"):
            r.feed(np.zeros(1, dtype=np.uint64), "z")


def test_closed_machine_refuses_calls():
    m = mmusim.Machine()
    m.close()
    m.close()  # idempotent
    with pytest.raises(mmusim.Error, match="closed"):
        m.translate(0)


def _rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def test_repeated_use_does_not_leak():
    def cycle():
        with mmusim.Machine("x86_64") as m:
            m.map(0x400000, 0x200000, 0x10000, "rwu")
            m.translate_many(np.arange(0x400000, 0x410000, 0x1000, dtype=np.uint64))
            m.mappings()
        with mmusim.Replay("sv39") as r:
            r.feed(np.arange(0x10000, 0x20000, 0x1000, dtype=np.uint64))
            r.stats()

    for _ in range(200):  # warm: allocator pools, ctypes caches
        cycle()
    tracemalloc.start()
    before_py = tracemalloc.get_traced_memory()[0]
    before_rss = _rss_kib()
    for _ in range(2000):
        cycle()
    grown_py = tracemalloc.get_traced_memory()[0] - before_py
    tracemalloc.stop()
    # A leak of even one machine per cycle (its tables are pages of 4 KiB) would be > 8 MiB.
    assert grown_py < 256 * 1024
    assert _rss_kib() - before_rss < 4 * 1024


# ctypes wraps a Python int into a C uint64_t silently: translate(2**64 + 0x400123) walked
# 0x400123 and reported its PA; map(-4096, ...) mapped the top page of the kernel half.
OUT_OF_RANGE = [
    (lambda m: m.translate(2**64 + 0x400123), "va 0x10000000000400123 does not fit in 64 bits (0 to 2**64 - 1)"),
    (lambda m: m.translate(-1), "va -0x1 does not fit in 64 bits (0 to 2**64 - 1)"),
    (lambda m: m.map(-4096, 0x200000, 0x1000, "rw"), "va -0x1000 does not fit in 64 bits (0 to 2**64 - 1)"),
    (lambda m: m.map(0x1000, -0x1000, 0x1000, "rw"), "pa -0x1000 does not fit in 64 bits (0 to 2**64 - 1)"),
    (lambda m: m.map(0x1000, 0x1000, 2**64 + 0x1000, "rw"),
     "length 0x10000000000001000 does not fit in 64 bits (0 to 2**64 - 1)"),
    (lambda m: m.map(0x1000, 0x1000, 0x1000, 1 << 32), "flags 0x100000000 does not fit in 32 bits (0 to 2**32 - 1)"),
    (lambda m: m.unmap(0x400000, -0x1000), "length -0x1000 does not fit in 64 bits (0 to 2**64 - 1)"),
    (lambda m: m.protect(2**64, 0x1000, "r"), "va 0x10000000000000000 does not fit in 64 bits (0 to 2**64 - 1)"),
    (lambda m: mmusim.Replay("x86_64", warmup=-1), "warmup -0x1 does not fit in 64 bits (0 to 2**64 - 1)"),
    # explain handed hex(va) to the command: '-0x1' came back as a plain Error ("bad VA '-0x1'").
    (lambda m: m.explain(-1), "va -0x1 does not fit in 64 bits (0 to 2**64 - 1)"),
    (lambda m: m.explain(2**64), "va 0x10000000000000000 does not fit in 64 bits (0 to 2**64 - 1)"),
]


@pytest.mark.parametrize("call,message", OUT_OF_RANGE)
def test_numbers_outside_64_bits_are_refused(m, call, message):
    before = m.mappings()
    with pytest.raises(mmusim.RangeError) as e:
        call(m)
    assert e.value.message == message
    assert m.mappings() == before  # nothing was mapped or unmapped


def test_strings_with_a_nul_byte_are_refused(tmp_path):
    """C strings end at a NUL: 'x86_64\\0junk' loaded x86_64, a trace 'a.trace\\0junk' replayed a.trace,
    dump_elf('x\\0y') wrote x, flags 'r\\0w' mapped read-only.  Python's open() refuses them too."""
    trace = tmp_path / "a.trace"
    trace.write_text("r 0x1000\n")
    with pytest.raises(mmusim.InvalidError, match="config 'x86_64\\\\x00junk' holds a NUL byte"):
        mmusim.Machine(config="x86_64\0junk")
    with pytest.raises(mmusim.InvalidError, match="trace .* holds a NUL byte"):
        mmusim.replay(str(trace) + "\0junk")
    with pytest.raises(mmusim.InvalidError, match="format 'text\\\\x00x' holds a NUL byte"):
        mmusim.replay(str(trace), format="text\0x")
    with pytest.raises(mmusim.InvalidError, match="replacement 'lru\\\\x00x' holds a NUL byte"):
        mmusim.Replay("x86_64", replacement="lru\0x", resident_pages=3)
    with mmusim.Machine() as m:
        with pytest.raises(mmusim.InvalidError, match="flags 'r\\\\x00w' holds a NUL byte"):
            m.map(0x400000, 0, 4096, "r\0w")
        with pytest.raises(mmusim.InvalidError, match="path .* holds a NUL byte"):
            m.dump_elf(str(tmp_path / "x") + "\0y")
    assert not (tmp_path / "x").exists()


def test_explain_after_chdir_uses_this_machines_config(tmp_path, monkeypatch):
    """explain() ran the command with the config's relative path: after os.chdir it explained an
    sv39 machine with another folder's cfg.yaml (sv48), or failed with 'no such file'."""
    ours, other = tmp_path / "ours", tmp_path / "other"
    ours.mkdir()
    other.mkdir()
    (ours / "cfg.yaml").write_text("extends: sv39\n")
    (other / "cfg.yaml").write_text("extends: sv48\n")
    monkeypatch.chdir(ours)
    with mmusim.Machine("cfg.yaml") as m:
        m.map(0x1000, 0x80200000, 4096, "rwu")
        monkeypatch.chdir(other)
        assert m.explain(0x1000).startswith("explain 0x1000: read access in user mode; sv39: 3 levels")


def test_copying_or_pickling_a_machine_is_refused():
    """copy.copy(m) shared m's C handle: the copy's close (or garbage collection) freed the
    machine under m, and m's next call or close crashed the interpreter (a double free)."""
    import copy
    import pickle
    with mmusim.Machine("x86_64") as m:
        m.map(0x400000, 0x200000, 0x1000, "rwu")
        for attempt in (copy.copy, copy.deepcopy, pickle.dumps):
            with pytest.raises(TypeError, match="cannot copy or pickle a mmusim.Machine: it owns C memory"):
                attempt(m)
        assert m.translate(0x400123).pa == 0x200123
    with mmusim.Replay("x86_64") as r:
        for attempt in (copy.copy, copy.deepcopy, pickle.dumps):
            with pytest.raises(TypeError, match="cannot copy or pickle a mmusim.Replay: it owns C memory"):
                attempt(r)
        r.feed(np.array([0x1000], dtype=np.uint64))
        assert r.stats()["accesses"]["total"] == 1


def test_explain_refuses_addresses_outside_64_bits_as_translate_does(m):
    """explain(-1) handed '-0x1' to the command and raised the base Error with its words."""
    for va, message in ((-1, "va -0x1 does not fit in 64 bits (0 to 2**64 - 1)"),
                        (2**64, "va 0x10000000000000000 does not fit in 64 bits (0 to 2**64 - 1)")):
        with pytest.raises(mmusim.RangeError) as e:
            m.explain(va)
        assert e.value.message == message


def test_explain_uses_the_config_the_machine_was_made_of(tmp_path):
    """explain() handed the command the YAML path: once the file was edited (or removed) it
    explained the sv39 machine's memory as sv48's (or failed with 'no such file or preset')."""
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("extends: sv39\n")
    with mmusim.Machine(cfg) as m:
        m.map(0x1000, 0x80200000, 4096, "rwu")
        cfg.write_text("extends: sv48\n")
        assert m.explain(0x1000).startswith("explain 0x1000: read access in user mode; sv39: 3 levels")
        cfg.unlink()
        assert "pa 0x80200000" in m.explain(0x1000) or "0x80200000" in m.explain(0x1000)
        assert m.translate(0x1000).pa == 0x80200000


def test_machine_and_replay_reprs_name_their_config_and_state():
    m = mmusim.Machine("sv39")
    assert repr(m) == "<mmusim.Machine sv39>"
    m.close()
    assert repr(m) == "<mmusim.Machine sv39 (closed)>"
    r = mmusim.Replay("x86_64")
    assert repr(r) == "<mmusim.Replay x86_64>"
    r.close()
    assert repr(r) == "<mmusim.Replay x86_64 (closed)>"


def test_explain_failure_code_is_no_status():
    """An explain the command refused carried the command's exit status (2) as its code, which
    is MMUSIM_ERANGE's number on a plain Error; the command's status is no library status."""
    with mmusim.Machine("sv32") as m:
        with pytest.raises(mmusim.Error) as e:
            m.explain(0x100001000)
        assert e.value.message == "VA '0x100001000' is out of range: riscv32 addresses are 32 bits"
        assert e.value.code == -1


def test_fractional_addresses_in_object_arrays_are_refused(m):
    """An object array's elements were checked at its min and max only, then cast: 0x400000.5
    between two integers was walked as 0x400000 (README: fractional addresses are refused)."""
    vas = np.array([0x400000, 0x400000 + 0.5, 0x401000], dtype=object)
    with pytest.raises(mmusim.RangeError) as e:
        m.translate_many(vas)
    assert e.value.message == "address 4194304.5 is not an integer"
    with mmusim.Replay("x86_64") as r:
        with pytest.raises(mmusim.RangeError, match="address 4194304.5 is not an integer"):
            r.feed(vas)
        assert r.stats()["accesses"]["total"] == 0
    pa, _ = m.translate_many(np.array([0x400000, np.uint64(0x401000), 0x400010], dtype=object))
    assert list(pa) == [0x200000, 0x201000, 0x200010]


def test_a_stage2_fault_says_so():
    """A VM's translation refused by stage 2 carries the hypervisor's code (ESR_EL2, scause 21);
    the Translation did not say which stage refused, though the C result does (fault_stage2)."""
    with mmusim.Machine("aarch64_vm") as m:
        m.map(0x4000, 0x8000, 0x1000, "rwu")  # the guest maps GPA 0x8000, which stage 2 does not
        t = m.translate(0x4003)
        assert t.fault == mmusim.Fault("not-present", 3, 0x92000005)
        assert t.fault_stage2 is True
        assert repr(t) == "<Translation 0x4003: stage-2 fault not-present level 3 code 0x92000005>"
    with mmusim.Machine("x86_64") as m:
        assert m.translate(0x4003).fault_stage2 is False
        m.map(0x4000, 0x8000, 0x1000, "rwu")
        assert m.translate(0x4003).fault_stage2 is None


def test_relative_mmusim_cli_survives_chdir(tmp_path, monkeypatch, m):
    """README: MMUSIM_CLI=build/mmusim for a build tree.  After os.chdir, explain raised
    FileNotFoundError (not even an mmusim.Error): the relative name was looked up from the new
    directory.  It is the directory the package was imported from that it is relative to."""
    from conftest import cli_path
    from mmusim import machine
    monkeypatch.setenv("MMUSIM_CLI", os.path.relpath(os.path.abspath(cli_path()), machine._START_DIR))
    monkeypatch.chdir(tmp_path)
    assert m.explain(0x400000).startswith("explain 0x400000: read access in user mode; x86_64")
    monkeypatch.setenv("MMUSIM_CLI", str(tmp_path / "no-such-mmusim"))
    with pytest.raises(mmusim.Error, match="no-such-mmusim: cannot run the mmusim command"):
        m.explain(0x400000)


def test_prop_bits_are_exported_with_the_c_values():
    """README: map's flags are trace letters "or MMUSIM_PROP_* bits"; the package had no names for them."""
    assert (mmusim.PROP_R, mmusim.PROP_W, mmusim.PROP_X, mmusim.PROP_U, mmusim.PROP_G, mmusim.PROP_A,
            mmusim.PROP_D, mmusim.PROP_AVAIL1, mmusim.PROP_AVAIL2) == tuple(1 << i for i in range(9))
    with mmusim.Machine("x86_64") as m:
        m.map(0x400000, 0x200000, 0x1000, mmusim.PROP_R | mmusim.PROP_W | mmusim.PROP_U)
        assert m.mappings()[0].flags == "rwu"
        assert m.translate(0x400000, access="w").perms == "rw-u-"


def test_va_beyond_a_32_bit_machine_is_out_of_range():
    """translate(2**32) on sv32 answered a non-canonical fault, where the CLI and explain refuse
    the address: a 32-bit machine forms no wider VA."""
    for preset, arch in (("sv32", "riscv32"), ("x86_32", "x86_32")):
        with mmusim.Machine(preset) as m:
            with pytest.raises(mmusim.RangeError) as e:
                m.translate(2**32)
            assert e.value.message == "VA 0x100000000 is out of range: %s addresses are 32 bits" % arch
            assert m.translate(2**32 - 1).fault.kind == "not-present"


def test_a_config_given_as_bytes_is_its_name(tmp_path):
    """str(b"x86_64") is "b'x86_64'": Machine(b"x86_64") looked for a preset of that name.
    Bytes name a file as os.fsencode would (any bytes, not only UTF-8), as a trace's do."""
    with mmusim.Machine(b"x86_64") as m:
        assert m.config == "x86_64"
    cfg = tmp_path / "caf\xe9.yaml"
    cfg.write_text("extends: sv39\n")
    with mmusim.Machine(os.fsencode(cfg)) as m:
        assert m.translate(0x1000).fault.kind == "not-present"
        assert m.page_size == 4096


def test_a_config_that_is_no_name_nor_path_is_a_type_error():
    """Machine(None) looked for a preset named "None"."""
    for bad in (None, 3, ["x86_64"]):
        with pytest.raises(TypeError, match="config must be a preset name or a path, not"):
            mmusim.Machine(bad)


def test_dump_elf_over_its_own_config_is_refused(tmp_path):
    """Machine('my.yaml').dump_elf('my.yaml') replaced the config by the core; `mmusim dump`
    refuses the same (is also an input), through a link too.  Another file is written."""
    cfg = tmp_path / "my.yaml"
    cfg.write_text("extends: sv39\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(cfg)
    with mmusim.Machine(str(cfg)) as m:
        for out in (cfg, link):
            want = f"{out}: is also an input ({cfg}): choose another output file"
            with pytest.raises(mmusim.FileError, match=f"^{re.escape(want)}$"):
                m.dump_elf(str(out))
        assert cfg.read_text() == "extends: sv39\n"
        m.dump_elf(str(tmp_path / "core.elf"))
    assert (tmp_path / "core.elf").read_bytes()[:4] == b"\x7fELF"


def test_explain_says_how_a_silent_command_ended(tmp_path, monkeypatch, m):
    """A command killed with no word on stderr (the OOM killer's SIGKILL) raised Error('')."""
    for script, how in (("kill -9 $$", "was killed by signal 9"), ("exit 3", "exited with status 3")):
        fake = tmp_path / "mmusim"
        fake.write_text(f"#!/bin/sh\n{script}\n")
        fake.chmod(0o755)
        monkeypatch.setenv("MMUSIM_CLI", str(fake))
        want = f"{fake}: the mmusim command {how} and printed no error"
        with pytest.raises(mmusim.Error, match=f"^{re.escape(want)}$"):
            m.explain(0x400000)

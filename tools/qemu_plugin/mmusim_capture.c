/*
 * mmusim's QEMU TCG plugin: records every instruction fetch, load and store
 * of a user-mode guest (qemu-x86_64, qemu-riscv64, qemu-aarch64 ...) with its
 * virtual address and size, and streams them to mmusim in the binary trace
 * format through a file descriptor it was given:
 *
 *   qemu-x86_64 -plugin mmusim-qemu-capture.so,fd=N[,threads=on][,cpus=K][,map=T/C:T/C...] PROGRAM ARGS...
 *
 * With `threads=on` (what mmusim run passes), the trace says which thread made
 * each access with `thread N` records (N the vCPU index) and replay maps
 * threads to CPUs (--threads-to-cpus).  Without it, the plugin maps them itself
 * into `cpu N` records: its vCPU index (one each), or that index modulo K
 * (cpus=K: round-robin over K CPUs), or as map= lists (thread T on CPU C;
 * threads not listed keep their own index).
 *
 * In user mode a vCPU is a guest thread.  Each thread buffers its accesses
 * raw; a full buffer is encoded and written under one lock, preceded by a
 * `cpu N` record whenever the thread differs from the previous chunk's, so the
 * trace says which thread made every access and each thread's own order is
 * kept (chunks of different threads interleave at chunk granularity).  The
 * trace ends with an end record, written at the guest's exit: a QEMU that
 * dies mid-run leaves a trace the reader rejects as cut off.  An execve ends
 * the trace too: the new program replaces QEMU (no exit callback runs), so the
 * buffers and the end record go out when the guest enters execve.
 *
 * The callbacks of QEMU's API carry no context of ours except per-instruction
 * user data (which holds the instruction's address and size), so the plugin
 * keeps one static context and a thread-local buffer pointer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/trace_binary_encode.h"
#include "qemu_plugin_api.h"

MMUSIM_QEMU_PLUGIN_EXPORT int qemu_plugin_version = MMUSIM_QEMU_PLUGIN_API;

#define EVENTS_PER_BUF 65536u
#define SYSCALL_FLUSH_MIN 4096u /* a system call flushes a buffer this full (see on_syscall) */
#define INSN_SIZE_BITS 5
#define MAX_MAPPED_THREADS 1024 /* instruction sizes up to 31 bytes travel in the user data's low bits */

struct raw_event {
	uint64_t va;
	uint8_t kind; /* enum trace_enc_kind */
	uint8_t size;
};

struct thread_buf {
	struct thread_buf *next; /* every thread's, for the flush at exit */
	unsigned vcpu;
	unsigned n;
	struct raw_event ev[EVENTS_PER_BUF];
};

struct capture {
	pthread_mutex_t lock;      /* the encoder, the fd and the list below */
	int fd;
	pid_t pid;                 /* a forked child must not write into its parent's stream */
	bool write_failed;
	bool ended;                /* the end record is out (the guest called execve) */
	int64_t execve_nr, execveat_nr; /* the guest architecture's numbers, -1: unknown */
	int64_t signal_nr[5];      /* kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo; -1: unknown */
	unsigned last_cpu;
	bool thread_records;       /* threads: thread records (replay maps them), not cpu ones */
	unsigned round_robin;      /* cpus=K, 0: one CPU each */
	int cpu_of_thread[MAX_MAPPED_THREADS]; /* map=, -1: not mapped */
	struct trace_enc_state enc;
	struct thread_buf *threads;
	unsigned char out[EVENTS_PER_BUF * TRACE_ENC_MAX_ACCESS + 32];
};

static struct capture cap = { .lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1 };
static __thread struct thread_buf *this_thread;

static void write_out(const unsigned char *p, size_t n)
{
	while (n > 0 && !cap.write_failed) {
		ssize_t k = write(cap.fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			cap.write_failed = true; /* mmusim stopped reading: the guest runs on untraced */
			break;
		}
		p += k;
		n -= (size_t)k;
	}
}

static unsigned cpu_of(unsigned vcpu)
{
	if (vcpu < MAX_MAPPED_THREADS && cap.cpu_of_thread[vcpu] >= 0)
		return (unsigned)cap.cpu_of_thread[vcpu];
	return cap.round_robin ? vcpu % cap.round_robin : vcpu;
}

/* map=T/C:T/C...: false if malformed. */
static bool parse_map(const char *s)
{
	while (*s) {
		char *end;
		unsigned long t = strtoul(s, &end, 10), c;
		if (end == s || *end != '/' || t >= MAX_MAPPED_THREADS)
			return false;
		s = end + 1;
		c = strtoul(s, &end, 10);
		if (end == s || c >= MAX_MAPPED_THREADS || (*end && *end != ':'))
			return false;
		cap.cpu_of_thread[t] = (int)c;
		s = *end ? end + 1 : end;
	}
	return true;
}

/* Encodes and writes t's events; the caller holds cap.lock. */
static void flush_locked(struct thread_buf *t)
{
	unsigned char *p = cap.out;

	if (t->n == 0 || getpid() != cap.pid || cap.ended) {
		t->n = 0;
		return;
	}
	unsigned cpu = cap.thread_records ? t->vcpu : cpu_of(t->vcpu);
	if (cpu != cap.last_cpu) {
		p = cap.thread_records ? trace_enc_thread(&cap.enc, p, cpu) : trace_enc_cpu(&cap.enc, p, cpu);
		cap.last_cpu = cpu;
	}
	for (unsigned i = 0; i < t->n; i++)
		p = trace_enc_access(&cap.enc, p, (enum trace_enc_kind)t->ev[i].kind, t->ev[i].va, t->ev[i].size);
	t->n = 0;
	write_out(cap.out, (size_t)(p - cap.out));
}

static struct thread_buf *new_thread_buf(unsigned vcpu)
{
	struct thread_buf *t = calloc(1, sizeof(*t));

	if (!t) {
		fputs("mmusim capture: out of memory\n", stderr);
		abort();
	}
	t->vcpu = vcpu;
	pthread_mutex_lock(&cap.lock);
	t->next = cap.threads;
	cap.threads = t;
	pthread_mutex_unlock(&cap.lock);
	return t;
}

static inline void record(unsigned vcpu, enum trace_enc_kind kind, uint64_t va, unsigned size)
{
	struct thread_buf *t = this_thread;

	if (__builtin_expect(t == NULL, 0))
		t = this_thread = new_thread_buf(vcpu);
	t->vcpu = vcpu;
	t->ev[t->n++] = (struct raw_event){ .va = va, .kind = (uint8_t)kind, .size = (uint8_t)size };
	if (__builtin_expect(t->n == EVENTS_PER_BUF, 0)) {
		pthread_mutex_lock(&cap.lock);
		flush_locked(t);
		pthread_mutex_unlock(&cap.lock);
	}
}

static void on_insn(unsigned int vcpu, void *udata)
{
	uintptr_t u = (uintptr_t)udata;

	/*
	 * Sign-extended back from bit 63 - INSN_SIZE_BITS: x86-64's vsyscall page
	 * (0xffffffffff600000), which QEMU translates, is in the kernel half.
	 */
	const uint64_t sign = 1ull << (63 - INSN_SIZE_BITS);
	uint64_t va = (uint64_t)u >> INSN_SIZE_BITS;

	record(vcpu, TRACE_ENC_EXEC, (va ^ sign) - sign, (unsigned)(u & ((1u << INSN_SIZE_BITS) - 1)));
}

static void on_mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
	(void)udata;
	record(vcpu, qemu_plugin_mem_is_store(info) ? TRACE_ENC_WRITE : TRACE_ENC_READ, vaddr,
	       1u << qemu_plugin_mem_size_shift(info));
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t va = qemu_plugin_insn_vaddr(insn);
		size_t size = qemu_plugin_insn_size(insn);

		/* A user-mode VA's top bits copy one another (sign-extended), which leaves room for the size. */
		if (size >= (1u << INSN_SIZE_BITS))
			size = (1u << INSN_SIZE_BITS) - 1;
		qemu_plugin_register_vcpu_insn_exec_cb(insn, on_insn, QEMU_PLUGIN_CB_NO_REGS,
						       (void *)(uintptr_t)(va << INSN_SIZE_BITS | size));
		qemu_plugin_register_vcpu_mem_cb(insn, on_mem, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, NULL);
	}
}

/*
 * A thread ends: its accesses go out now, before another thread reuses its
 * vCPU index, and its buffer (1 MiB) is freed: a program that starts threads
 * one after another would otherwise keep one per thread it ever ran.
 */
static void on_vcpu_exit(qemu_plugin_id_t id, unsigned int vcpu)
{
	struct thread_buf *t = this_thread;

	(void)id;
	(void)vcpu;
	if (!t)
		return;
	pthread_mutex_lock(&cap.lock);
	flush_locked(t);
	for (struct thread_buf **p = &cap.threads; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	pthread_mutex_unlock(&cap.lock);
	this_thread = NULL;
	free(t);
}

/* Every buffer, then the end record; the caller holds cap.lock. */
static void end_trace_locked(void)
{
	unsigned char end[16];

	for (struct thread_buf *t = cap.threads; t; t = t->next)
		flush_locked(t);
	if (getpid() == cap.pid && !cap.ended)
		write_out(end, (size_t)(trace_enc_end(&cap.enc, end) - end));
	cap.ended = true;
}

/* The guest exits (QEMU has stopped its other threads): everything left, then the end record. */
static void on_guest_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	pthread_mutex_lock(&cap.lock);
	end_trace_locked();
	if (cap.fd >= 0)
		close(cap.fd);
	cap.fd = -1;
	pthread_mutex_unlock(&cap.lock);
}

/*
 * QEMU (7.2) calls no callback when a fatal signal kills the guest, so what
 * is still buffered then is lost.  So a system call sends its thread's
 * buffer out first when it sends a signal (abort(), raise(), kill: the
 * program may be killing itself) or when the buffer holds SYSCALL_FLUSH_MIN
 * accesses or more (a write per call would slow a program making many small
 * calls fourfold).  A program that abort()s or kills itself is traced whole;
 * one that faults, or is killed while it waits, loses at most what it did
 * since its last system call plus SYSCALL_FLUSH_MIN accesses.
 *
 * An execve ends the trace: a successful one replaces QEMU with the new
 * program and no callback of ours runs again, so the buffers and the end
 * record go out as the guest enters it.  A failed one (a shell trying each
 * PATH folder) returns to a guest whose later accesses are not traced: the
 * trace stops at the first execve either way.  Other threads of the guest are
 * normally stopped in the kernel by now; an execve races with a thread still
 * running only in a program that would lose that thread's work to the exec
 * anyway.
 */
static bool sends_signal(int64_t num);

static void on_syscall(qemu_plugin_id_t id, unsigned int vcpu, int64_t num, uint64_t a1, uint64_t a2, uint64_t a3,
		       uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7, uint64_t a8)
{
	(void)id, (void)vcpu, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6, (void)a7, (void)a8;
	if (num == cap.execve_nr || num == cap.execveat_nr) {
		pthread_mutex_lock(&cap.lock);
		/* Said once, by the traced process: the statistics are not those of the program it starts. */
		if (!cap.ended && getpid() == cap.pid)
			fputs("mmusim: run: the program calls execve: the trace stops there (qemu-user does not follow "
			      "it into the new program)\n", stderr);
		end_trace_locked();
		pthread_mutex_unlock(&cap.lock);
	} else if (this_thread && this_thread->n && (this_thread->n >= SYSCALL_FLUSH_MIN || sends_signal(num))) {
		pthread_mutex_lock(&cap.lock);
		flush_locked(this_thread);
		pthread_mutex_unlock(&cap.lock);
	}
}

static bool sends_signal(int64_t num)
{
	for (size_t i = 0; i < sizeof(cap.signal_nr) / sizeof(cap.signal_nr[0]); i++)
		if (num == cap.signal_nr[i])
			return true;
	return false;
}

/* The system calls on_syscall acts on, in the guest's Linux ABI (Linux's uapi unistd headers). */
static void set_exec_numbers(const char *target)
{
	static const int64_t x86_64[] = { 59, 322, 62, 200, 234, 129, 297 }, i386[] = { 11, 358, 37, 238, 270, 178, 335 },
			     generic[] = { 221, 281, 129, 130, 131, 138, 240 }; /* asm-generic/unistd.h */
	const int64_t *nr = NULL;

	cap.execve_nr = cap.execveat_nr = -1;
	for (size_t i = 0; i < 5; i++)
		cap.signal_nr[i] = -1;
	if (!target)
		return;
	if (strcmp(target, "x86_64") == 0)
		nr = x86_64;
	else if (strcmp(target, "i386") == 0)
		nr = i386;
	else if (strcmp(target, "aarch64") == 0 || strncmp(target, "riscv", 5) == 0)
		nr = generic;
	if (!nr)
		return;
	cap.execve_nr = nr[0];
	cap.execveat_nr = nr[1];
	for (size_t i = 0; i < 5; i++)
		cap.signal_nr[i] = nr[2 + i];
}

static int refuse(const char *fmt, const char *a, int x, int y)
{
	char msg[256];

	/* On stderr: qemu_plugin_outs goes to QEMU's log, which is off unless -d plugin. */
	snprintf(msg, sizeof(msg), fmt, a, x, y);
	fputs(msg, stderr);
	return -1;
}

MMUSIM_QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
						  char **argv)
{
	unsigned char header[TRACE_ENC_HEADER_LEN];
	char *end;

	if (info->version.min > MMUSIM_QEMU_PLUGIN_API || info->version.cur < MMUSIM_QEMU_PLUGIN_API)
		return refuse("mmusim capture: this QEMU's plugin API is level %s%d..%d; the plugin needs level 1 "
			      "(QEMU 4.2 to 8.x; Debian 12's 7.2 is tested)\n", "", info->version.min,
			      info->version.cur);
	if (info->system_emulation)
		return refuse("mmusim capture: %sthe plugin records user-mode guests (qemu-x86_64 ...), not "
			      "qemu-system-*\n", "", 0, 0);
	for (int i = 0; i < MAX_MAPPED_THREADS; i++)
		cap.cpu_of_thread[i] = -1;
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "fd=", 3) == 0) {
			long fd = strtol(argv[i] + 3, &end, 10);
			if (*end || end == argv[i] + 3 || fd < 0 || fd > 1 << 20)
				return refuse("mmusim capture: bad argument '%s' (fd=N: the descriptor to write the "
					      "trace to)\n", argv[i], 0, 0);
			cap.fd = (int)fd;
		} else if (strncmp(argv[i], "cpus=", 5) == 0) {
			long k = strtol(argv[i] + 5, &end, 10);
			if (*end || end == argv[i] + 5 || k < 1 || k > MAX_MAPPED_THREADS)
				return refuse("mmusim capture: bad argument '%s' (cpus=K: round-robin over K CPUs, 1 to "
					      "%d)\n", argv[i], MAX_MAPPED_THREADS, 0);
			cap.round_robin = (unsigned)k;
		} else if (strcmp(argv[i], "threads=on") == 0) {
			cap.thread_records = true;
		} else if (strncmp(argv[i], "map=", 4) == 0) {
			if (!parse_map(argv[i] + 4))
				return refuse("mmusim capture: bad argument '%s' (map=T/C:T/C...: thread T on CPU C, "
					      "both below %d)\n", argv[i], MAX_MAPPED_THREADS, 0);
		} else {
			return refuse("mmusim capture: unknown argument '%s' (the plugin takes fd=N, threads=on, cpus=K, "
				      "map=T/C:...)\n", argv[i], 0, 0);
		}
	}
	if (cap.fd < 0)
		return refuse("mmusim capture: %sno fd=N argument: where should the trace go?\n", "", 0, 0);
	/* Thread records: the first chunk says its thread too, whatever CPU replay maps thread 0 to. */
	if (cap.thread_records)
		cap.last_cpu = UINT_MAX;
	cap.pid = getpid();
	set_exec_numbers(info->target_name);
	/* After a successful execve the new program must not hold the pipe open: mmusim waits for its end. */
	fcntl(cap.fd, F_SETFD, fcntl(cap.fd, F_GETFD) | FD_CLOEXEC);
	write_out(header, (size_t)(trace_enc_header(header, TRACE_ENC_FLAG_END) - header));
	if (cap.write_failed)
		return refuse("mmusim capture: cannot write the trace header to fd %s%d\n", "", cap.fd, 0);
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_vcpu_exit_cb(id, on_vcpu_exit);
	qemu_plugin_register_atexit_cb(id, on_guest_exit, NULL);
	qemu_plugin_register_vcpu_syscall_cb(id, on_syscall);
	return 0;
}

/*
 * mmusim-bench-bare: the hand-written loops the speed targets are quoted
 * against, so that mmusim-bench's figures can be read against this machine
 * rather than another one.
 *
 *   - TLB hits: a 64-entry, 4-way tag array probed for a hot set of 8 pages;
 *   - random 4-level walks: a radix tree of 4 KiB nodes of 512 8-byte
 *     entries mapping 1 M pages, walked at uniform random pages (a present
 *     test and a pointer load per level, nothing else);
 *   - lackey lines: " L 04000123,8" lines parsed into (kind, address, size).
 *
 * Nothing here simulates anything: no permissions, statistics, A/D bits,
 * faults or replacement.  Each figure is the best of --repeat runs.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"

enum { HIT_N = 200000000, WALK_N = 20000000, LINES = 10000000, ENTRIES = 512 };

/* Keeps a result alive so the compiler cannot drop the loop that made it. */
static volatile uint64_t sink;

static double bare_hits(void)
{
	uint64_t tags[64], pas[64], seed = 1, sum = 0;
	double t0;

	for (unsigned i = 0; i < 64; i++) {
		tags[i] = i;
		pas[i] = (uint64_t)i << 12;
	}
	t0 = bench_now();
	for (uint64_t i = 0; i < HIT_N; i++) {
		uint64_t va = ((xorshift64(&seed) & 7) << 12) | (i & 0xff8), tag = va >> 12;
		const uint64_t *set = &tags[(tag & 15) * 4];
		for (unsigned w = 0; w < 4; w++)
			if (set[w] == tag) {
				sum += pas[(tag & 15) * 4 + w] | (va & 0xfff);
				break;
			}
	}
	sink = sum;
	return HIT_N / (bench_now() - t0);
}

static double bare_walks(uint64_t pages)
{
	/* Node 0 is the root; entries hold (node index << 12) | 1, leaves (frame << 12) | 1. */
	uint64_t nr_nodes = 1, used = 1;
	for (uint64_t span = ENTRIES; span >> 27 <= pages; span *= ENTRIES)
		nr_nodes += (pages + span - 1) / span;
	uint64_t *mem = calloc(nr_nodes * ENTRIES, sizeof(uint64_t)), seed = 7, sum = 0;
	double t0;

	if (!mem)
		return 0;
	for (uint64_t p = 0; p < pages; p++) {
		uint64_t node = 0;
		for (int level = 3; level >= 1; level--) {
			uint64_t *e = &mem[node * ENTRIES + ((p >> (9 * level)) & 511)];
			if (!(*e & 1))
				*e = (used++ << 12) | 1;
			node = *e >> 12;
		}
		mem[node * ENTRIES + (p & 511)] = ((p + 1) << 12) | 1;
	}
	t0 = bench_now();
	for (uint64_t i = 0; i < WALK_N; i++) {
		uint64_t page = xorshift64(&seed) % pages, node = 0, e = 0;
		for (int level = 3; level >= 0; level--) {
			e = mem[node * ENTRIES + ((page >> (9 * level)) & 511)];
			if (!(e & 1))
				break;
			node = e >> 12;
		}
		sum += e;
	}
	sink = sum;
	free(mem);
	return WALK_N / (bench_now() - t0);
}

static double bare_lackey(void)
{
	char *buf = malloc((size_t)LINES * 16 + 1), *p = buf;
	uint64_t seed = 3, sum = 0;
	signed char hex[256];
	double t0;

	if (!buf)
		return 0;
	memset(hex, -1, sizeof(hex));
	for (int c = 0; c < 10; c++)
		hex['0' + c] = (signed char)c;
	for (int c = 0; c < 6; c++)
		hex['a' + c] = hex['A' + c] = (signed char)(10 + c);
	for (unsigned i = 0; i < LINES; i++)
		p += sprintf(p, " %c %08llx,8\n", "LSM"[i % 3], (unsigned long long)(xorshift64(&seed) & 0xfffffff));
	t0 = bench_now();
	for (const char *q = buf; q < p;) {
		uint64_t addr = 0, size = 0;
		char kind = q[1];
		q += 3;
		for (int v; (v = hex[(unsigned char)*q]) >= 0; q++)
			addr = addr << 4 | (uint64_t)v;
		for (q++; *q != '\n'; q++)
			size = size * 10 + (uint64_t)(*q - '0');
		q++;
		sum += addr + size + (uint64_t)kind;
	}
	sink = sum;
	free(buf);
	return LINES / (bench_now() - t0);
}

int main(int argc, char **argv)
{
	unsigned repeat = 3;
	double hits = 0, walks = 0, lines = 0;

	if (argc == 3 && strcmp(argv[1], "--repeat") == 0)
		repeat = (unsigned)strtoul(argv[2], NULL, 0);
	else if (argc != 1 || !repeat) {
		fputs("usage: mmusim-bench-bare [--repeat N]\n", stderr);
		return 2;
	}
	for (unsigned r = 0; r < repeat; r++) {
		double h = bare_hits(), w = bare_walks(1u << 20), l = bare_lackey();
		hits = h > hits ? h : hits;
		walks = w > walks ? w : walks;
		lines = l > lines ? l : lines;
	}
	printf("bare loops: %.0f M TLB hits/s, %.0f M random 4-level walks/s (1 M pages), %.0f M lackey lines/s\n",
	       hits / 1e6, walks / 1e6, lines / 1e6);
	return 0;
}

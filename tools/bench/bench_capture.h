/* bench_capture: live capture, QEMU plugin against Valgrind lackey, same program (mmusim-bench --only capture). */
#ifndef MMUSIM_BENCH_CAPTURE_H
#define MMUSIM_BENCH_CAPTURE_H

/*
 * Times `mmusim run --tracer qemu` and `--tracer valgrind` (and the program
 * alone) on argv (NULL: sha256sum of the mmusim binary), best of repeat;
 * prints seconds, accesses and the speed-up.
 */
void bench_capture(unsigned repeat, char *const *argv);

#endif

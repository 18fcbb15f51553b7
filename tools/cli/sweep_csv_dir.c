/* sweep_csv_dir: a sweep's interval CSVs, one per (trace, config) (see sweep_csv_dir.h). */
#include "sweep_csv_dir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_errors.h"
#include "cli_output.h"

int sweep_csv_dir_prepare(const char *dir, bool *created)
{
	struct stat st;

	*created = false;
	if (!*dir)
		return cli_usage_error("sweep: bad --csv-dir '' (expected a directory)");
	if (stat(dir, &st) != 0) {
		if (errno != ENOENT || mkdir(dir, 0777) != 0)
			return cli_usage_error("sweep: --csv-dir '%s': cannot create: %s", dir, strerror(errno));
		*created = true;
		return EXIT_OK;
	}
	if (!S_ISDIR(st.st_mode))
		return cli_usage_error("sweep: --csv-dir '%s' is not a directory", dir);
	/* Refused now rather than after the first trace's replays ran. */
	if (access(dir, W_OK | X_OK) != 0)
		return cli_usage_error("sweep: --csv-dir '%s': cannot write there: %s", dir, strerror(errno));
	return EXIT_OK;
}

int sweep_csv_dir_open(const struct cli *cli, const char *dir, size_t row, const char *const *traces,
		       size_t nr_traces, const char *const *configs, size_t nr_configs, mmusim_output **out)
{
	char name[32];
	int rc;

	*out = NULL;
	snprintf(name, sizeof(name), "/%04zu.csv", row);
	char *path = malloc(strlen(dir) + sizeof(name));
	if (!path)
		return cli_usage_error("out of memory");
	strcpy(path, dir);
	strcat(path, name);
	rc = cli_output_check(cli, path, configs, nr_configs);
	if (rc == EXIT_OK)
		rc = cli_output_open(cli, path, traces, nr_traces, out);
	free(path);
	return rc;
}

int sweep_csv_dir_check(const char *dir, size_t rows, const char *csv)
{
	static const char *const options[] = { "--csv-dir", "--csv" };
	int rc = EXIT_OK;
	struct stat st;

	for (size_t row = 1; row <= rows && rc == EXIT_OK; row++) {
		char *path = malloc(strlen(dir) + 32);
		if (!path)
			return cli_usage_error("out of memory");
		sprintf(path, "%s/%04zu.csv", dir, row);
		const char *paths[] = { path, csv };
		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			rc = cli_usage_error("sweep: --csv-dir: '%s' is a symbolic link: the folder's NNNN.csv are "
					     "sweep's own files, never followed elsewhere; remove it", path);
		else if (csv)
			rc = cli_outputs_distinct("sweep", options, paths, 2);
		free(path);
	}
	return rc;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* Plain sample files, as ministat reads them, for `compare --samples BASE.txt NEW.txt`:
 * one value per line (the file is one VM), or two whitespace-separated columns
 * `VM VALUE` (VM any token without blanks; the values of one VM need not be adjacent).
 * Blank lines and lines whose first non-blank character is '#' are ignored. Values are
 * times: each must be a finite number > 0. */
#ifndef MSB_SAMPLEFILE_H
#define MSB_SAMPLEFILE_H
#include <stddef.h>
#include <stdio.h>

#include "verdict.h"

struct sample_vm {
	char *name;  /* the VM token; the file's name for a one-column file */
	double *v;   /* in file order */
	size_t n, cap;
};

struct sample_set {
	char *path;
	unsigned columns;    /* 1 or 2 */
	struct sample_vm *vm; /* in order of first appearance */
	size_t nvm;
	size_t nsamples;
};

/* Read and parse path. 0, or -1 with one line naming the file and line in err:
 * "base.txt:7: non-numeric value 'abc'", "base.txt:3: time must be > 0, not -5",
 * "base.txt:4: not a finite number: nan", "base.txt:9: 1 column, but line 2 has 2",
 * "base.txt:2: 3 columns; expected VALUE or VM VALUE", "base.txt: no numbers",
 * "base.txt: No such file or directory". */
int samplefile_read(const char *path, struct sample_set *out, char *err, size_t errlen);
/* The same from an open stream; name is used in messages and as the one VM's name. */
int samplefile_parse(FILE *f, const char *name, struct sample_set *out, char *err,
		     size_t errlen);
void samplefile_free(struct sample_set *s);

/* Median of each VM's samples, nvm of them (to free). */
double *samplefile_vm_medians(const struct sample_set *s);
/* Every sample, nsamples of them, VM after VM (to free). */
double *samplefile_all(const struct sample_set *s);

/* The verdict of new against base: per-VM medians (opts NULL or !opts->pooled) or all
 * samples (--pooled), with the samples per VM recorded for verdict_format_units(). */
int samplefile_verdict(const struct sample_set *base, const struct sample_set *new_,
		       const struct verdict_opts *opts, struct verdict *out);

#endif

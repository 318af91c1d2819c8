/*
 * Implementation of harness.h: the C tests' shared checks, file and fixture reading, and
 * the chunkings every language replays fixtures under.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long checks_run;
static unsigned long checks_failed;

bool check_at(bool ok, const char *file, int line, const char *what, const char *context) {
    checks_run++;
    if (!ok) {
        checks_failed++;
        fprintf(stderr, "FAIL %s:%d: %s [%s]\n", file, line, what, context ? context : "");
    }
    return ok;
}

bool check_status_at(genie_status got, genie_status want, const char *file, int line,
                     const char *context) {
    checks_run++;
    if (got == want) {
        return true;
    }
    checks_failed++;
    fprintf(stderr, "FAIL %s:%d: status %s (%d), expected %s (%d) [%s]; last error: %s\n",
            file, line, genie_status_str((int)got), (int)got, genie_status_str((int)want),
            (int)want, context ? context : "", genie_last_error_message());
    return false;
}

int harness_finish(const char *suite) {
    printf("%s: %lu checks, %lu failed\n", suite, checks_run, checks_failed);
    return checks_failed == 0 && checks_run > 0 ? 0 : 1;
}

owned_str owned_copy(genie_str s) {
    owned_str out = {NULL, 0};
    if (s.ptr == NULL) {
        return out;
    }
    out.ptr = malloc(s.len + 1);
    if (out.ptr == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    memcpy(out.ptr, s.ptr, s.len);
    out.ptr[s.len] = '\0';
    out.len = s.len;
    return out;
}

void owned_free(owned_str *s) {
    free(s->ptr);
    s->ptr = NULL;
    s->len = 0;
}

bool owned_eq(owned_str s, const char *expected) {
    if (expected == NULL || s.ptr == NULL) {
        return expected == NULL && s.ptr == NULL;
    }
    return s.len == strlen(expected) && memcmp(s.ptr, expected, s.len) == 0;
}

bool genie_str_eq(genie_str s, const char *expected) {
    if (expected == NULL || s.ptr == NULL) {
        return expected == NULL && s.ptr == NULL && s.len == 0;
    }
    return s.len == strlen(expected) && memcmp(s.ptr, expected, s.len) == 0;
}

bool utf8_valid(const char *p, size_t len) {
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        unsigned long cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n >= len - i) {
            return false; /* truncated sequence */
        }
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

uint8_t *read_file(const char *path, size_t *len_out) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    while (buf != NULL) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap) {
            break;
        }
        cap *= 2;
        uint8_t *grown = realloc(buf, cap);
        if (grown == NULL) {
            free(buf);
        }
        buf = grown;
    }
    if (buf == NULL || ferror(f)) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    *len_out = len;
    return buf;
}

cJSON *read_json(const char *path) {
    size_t len;
    uint8_t *text = read_file(path, &len);
    cJSON *json = cJSON_ParseWithLength((const char *)text, len);
    free(text);
    if (json == NULL) {
        fprintf(stderr, "%s is not valid JSON\n", path);
        exit(2);
    }
    return json;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

uint8_t *hex_decode(const char *hex, size_t *len_out) {
    size_t n = strlen(hex);
    if (n % 2 != 0) {
        return NULL;
    }
    uint8_t *out = malloc(n / 2 + 1);
    if (out == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[i] = (uint8_t)(hi * 16 + lo);
    }
    *len_out = n / 2;
    return out;
}

const char *path_join(const char *dir, const char *name) {
    static char buf[4096];
    int n = snprintf(buf, sizeof buf, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof buf) {
        fprintf(stderr, "path too long: %s/%s\n", dir, name);
        exit(2);
    }
    return buf;
}

static void plan_push(chunk_plan *plan, size_t *cap, size_t length) {
    if (plan->count == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        size_t *grown = realloc(plan->lengths, *cap * sizeof *grown);
        if (grown == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        plan->lengths = grown;
    }
    plan->lengths[plan->count++] = length;
}

bool chunk_plan_make(const cJSON *chunking, const uint8_t *input, size_t len, chunk_plan *out) {
    const char *name = json_str(chunking, "name");
    size_t cap = 0;
    out->lengths = NULL;
    out->count = 0;
    if (name == NULL) {
        return CHECK(false, "a chunking without a name");
    }
    if (strcmp(name, "whole") == 0) {
        plan_push(out, &cap, len);
    } else if (strcmp(name, "bytes") == 0) {
        for (size_t i = 0; i < len; i++) {
            plan_push(out, &cap, 1);
        }
    } else if (strcmp(name, "crlf") == 0) {
        size_t start = 0;
        for (size_t i = 0; i + 1 < len; i++) {
            if (input[i] == '\r' && input[i + 1] == '\n') {
                plan_push(out, &cap, i + 1 - start);
                start = i + 1;
            }
        }
        plan_push(out, &cap, len - start);
    } else if (strncmp(name, "sizes-", 6) == 0) {
        const cJSON *sizes = cJSON_GetObjectItemCaseSensitive(chunking, "sizes");
        int n = cJSON_GetArraySize(sizes);
        bool any_positive = false;
        for (int i = 0; i < n; i++) {
            const cJSON *size = cJSON_GetArrayItem(sizes, i);
            if (!cJSON_IsNumber(size) || size->valuedouble < 0) {
                return CHECK(false, name);
            }
            any_positive = any_positive || size->valuedouble > 0;
        }
        if (!CHECK(n > 0 && any_positive, name)) {
            return false;
        }
        size_t pos = 0;
        for (int i = 0; pos < len; i = (i + 1) % n) {
            size_t size = (size_t)cJSON_GetArrayItem(sizes, i)->valuedouble;
            if (size > len - pos) {
                size = len - pos;
            }
            plan_push(out, &cap, size);
            pos += size;
        }
    } else {
        fprintf(stderr, "unknown chunking %s: teach tests/c/harness.c about it\n", name);
        return CHECK(false, name);
    }
    return true;
}

void chunk_plan_free(chunk_plan *plan) {
    free(plan->lengths);
    plan->lengths = NULL;
    plan->count = 0;
}

bool fixture_options(const cJSON *test_case, genie_sse_parser_options *out) {
    const cJSON *options = cJSON_GetObjectItemCaseSensitive(test_case, "options");
    if (!cJSON_IsObject(options)) {
        return false;
    }
    const cJSON *line = cJSON_GetObjectItemCaseSensitive(options, "max_line_bytes");
    const cJSON *event = cJSON_GetObjectItemCaseSensitive(options, "max_event_bytes");
    *out = genie_sse_parser_options_default();
    if (cJSON_IsNumber(line)) {
        out->max_line_bytes = (size_t)line->valuedouble;
    }
    if (cJSON_IsNumber(event)) {
        out->max_event_bytes = (size_t)event->valuedouble;
    }
    return true;
}

const char *json_str(const cJSON *obj, const char *key) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

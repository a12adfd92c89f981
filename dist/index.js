import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 9585:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   c: () => (/* binding */ converge)
/* harmony export */ });
/** A plan that deletes more repositories than max_deletions allows, named, stops the run. */
function checkDeletions(deletions, max) {
    if (max === undefined || deletions.length <= max)
        return;
    throw new Error(`The plan deletes ${deletions.length} repositories, more than max_deletions (${max}) allows: ${deletions.join(', ')}. Nothing was changed. If these are meant to go, raise max_deletions; otherwise check repository, ensure and prune.`);
}
/** One pass of read -> plan -> apply -> report. A dry run stops after the plan. */
async function converge(edition, options) {
    const observed = await edition.read();
    const { plan, changes, deletions } = edition.plan(observed);
    options.onPlan(changes);
    checkDeletions(deletions, options.maxDeletions);
    return edition.report(plan, options.dryRun ? undefined : await edition.apply(plan));
}


/***/ }),

/***/ 5922:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   L: () => (/* binding */ readCredentials),
/* harmony export */   V: () => (/* binding */ secretValues)
/* harmony export */ });
/* harmony import */ var _swr_endpoints_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(650);
/* harmony import */ var _input_rules_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(6797);
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(9823);
/* harmony import */ var _values_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(4777);
// The credentials a run signs with: access keys from exactly one place (inputs or one pair of
// environment variables, with that place's token), or keyless OpenID Connect. Kept apart from
// inputs.ts, which reads everything else; getInputs calls readCredentials and main.ts
// secretValues.




// Header values must be one line of printable ASCII; anything else is a copy-paste mistake,
// reported without echoing the value, since it may be a secret.
function checkHeaderSafe(source, secret) {
    if (!/^[\x21-\x7e]+$/.test(source.value)) {
        const rule = 'it must be one line of printable characters without spaces';
        throw new _input_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(secret
            ? `${source.label} (value hidden) is malformed: ${rule}.`
            : `${source.label} is ${JSON.stringify(source.value)}: ${rule}.`);
    }
}
// In order of precedence. The SDK token variable is the one the official Go and Java SDKs'
// EnvCredentialProvider reads next to HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK.
const KEY_VARIABLES = [
    ['HUAWEI_CLOUD_ACCESS_KEY_ID', 'HUAWEI_CLOUD_SECRET_ACCESS_KEY', 'HUAWEI_CLOUD_SECURITY_TOKEN'],
    ['HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN']
];
function keySources(env) {
    const input = (name) => ({
        name: `input ${name}`,
        label: `Input "${name}"`,
        value: (0,_runner_js__WEBPACK_IMPORTED_MODULE_2__/* .getInput */ .V4)(name, env)
    });
    const variable = (name) => ({
        name,
        label: `Variable "${name}"`,
        value: (env[name] ?? '').trim()
    });
    return [
        {
            ak: input('access_key_id'),
            sk: input('secret_access_key'),
            token: input('security_token')
        },
        ...KEY_VARIABLES.map(([ak, sk, token]) => ({
            ak: variable(ak),
            sk: variable(sk),
            token: variable(token)
        }))
    ];
}
/**
 * The credential inputs of other Huawei Cloud actions, which a workflow copied from one of them
 * passes here by habit, each with the input of this action it means: huaweicloud/auth-action,
 * obs-helper, huaweicloud-cli-action and deploy-cci-action take access_key and secret_key;
 * swr-login access-key-id and access-key-secret; cce-credential-action ak and sk. The rest are
 * this action's own names spelled with "-" or in camelCase. The runner passes an input under
 * INPUT_ and its name in uppercase, "-" kept, whether the action declares it or not.
 */
const HABITS = [
    ['access_key', 'access_key_id'],
    ['access-key', 'access_key_id'],
    ['access-key-id', 'access_key_id'],
    ['accessKeyId', 'access_key_id'],
    ['ak', 'access_key_id'],
    ['secret_key', 'secret_access_key'],
    ['secret-key', 'secret_access_key'],
    ['access-key-secret', 'secret_access_key'],
    ['access_key_secret', 'secret_access_key'],
    ['secret-access-key', 'secret_access_key'],
    ['secretAccessKey', 'secret_access_key'],
    ['sk', 'secret_access_key'],
    ['security-token', 'security_token'],
    ['securityToken', 'security_token'],
    ['idp-id', 'idp_id']
];
/** The habitual inputs the workflow set, with the input each means. */
function habitsGiven(env) {
    return HABITS.filter(([habit]) => (0,_runner_js__WEBPACK_IMPORTED_MODULE_2__/* .getInput */ .V4)(habit, env) !== '');
}
/**
 * A sentence naming the inputs of other actions that were given instead of this action's, or
 * '' when there are none. Never their values: any of them may hold a secret key.
 */
function habitHint(env) {
    const given = habitsGiven(env);
    if (given.length === 0)
        return '';
    const list = (names) => (0,_values_js__WEBPACK_IMPORTED_MODULE_3__/* .andList */ .cM)(names.map(name => `"${name}"`));
    const habits = list(given.map(([habit]) => habit));
    const meant = list([...new Set(given.map(([, m]) => m))]);
    return given.length === 1
        ? ` ${habits} is not an input of this action; did you mean ${meant}?`
        : ` ${habits} are not inputs of this action; did you mean ${meant}?`;
}
/** Every value that is or may be a secret, from every source, whether it will be used or not. */
function secretValues(env) {
    const values = keySources(env).flatMap(source => [source.sk.value, source.token.value]);
    // Whatever was given under another action's input name: a secret key may be among them.
    const habits = HABITS.map(([habit]) => (0,_runner_js__WEBPACK_IMPORTED_MODULE_2__/* .getInput */ .V4)(habit, env));
    return [...new Set([...values, ...habits].filter(value => value.length > 0))];
}
const ONE_PLACE = 'the access key id and the secret access key must come from the same place: inputs access_key_id and secret_access_key, variables HUAWEI_CLOUD_ACCESS_KEY_ID and HUAWEI_CLOUD_SECRET_ACCESS_KEY, or variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK';
/**
 * The pair of the first source with an access key id, and only that source's token. Mixing
 * sources would sign with a secret that does not belong to the key id, which the service
 * answers with an opaque signature error; the same holds for a token issued with other keys.
 */
function pickKeySource(sources, hint) {
    const index = sources.findIndex(source => source.ak.value);
    const chosen = sources[index];
    if (!chosen) {
        const secret = sources.find(source => source.sk.value);
        if (secret) {
            throw new _input_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`The access key id is missing: the secret access key comes from ${secret.sk.name}, but none of input access_key_id, HUAWEI_CLOUD_ACCESS_KEY_ID or HUAWEICLOUD_SDK_AK is set.${hint}`);
        }
        throw new _input_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`No credentials: set inputs access_key_id and secret_access_key (or the variables HUAWEI_CLOUD_ACCESS_KEY_ID and HUAWEI_CLOUD_SECRET_ACCESS_KEY, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK), or idp_id for keyless OpenID Connect.${hint}`);
    }
    // A secret set above the chosen source was meant for a key id that is not there; one set
    // below it is another pair's, and counts only when the chosen source has none.
    const stray = sources.slice(0, index).find(source => source.sk.value) ??
        (chosen.sk.value ? undefined : sources.find(source => source.sk.value));
    if (stray) {
        throw new _input_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`The access key id comes from ${chosen.ak.name} but a secret access key is set in ${stray.sk.name}: ${ONE_PLACE}.`);
    }
    if (!chosen.sk.value) {
        throw new _input_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`The secret access key is missing: the access key id comes from ${chosen.ak.name}, but ${chosen.sk.name} is not set.${hint}`);
    }
    const inputToken = sources[0]?.token;
    if (index > 0 && inputToken?.value) {
        throw new _input_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`Input "security_token" was given but the access keys come from ${chosen.ak.name} and ${chosen.sk.name}: a security token belongs to the keys it was issued with; give access_key_id and secret_access_key as inputs too, or set ${chosen.token.name} instead.`);
    }
    return chosen;
}
function readKeys(env) {
    const { ak, sk, token } = pickKeySource(keySources(env), habitHint(env));
    checkHeaderSafe(ak, false);
    checkHeaderSafe(sk, true);
    if (token.value)
        checkHeaderSafe(token, true);
    return {
        kind: 'keys',
        accessKeyId: ak.value,
        secretAccessKey: sk.value,
        ...(token.value ? { securityToken: token.value } : {}),
        source: `${ak.name} and ${sk.name}`
    };
}
function readCredentials(env, region, input) {
    const idpId = input('idp_id');
    if (!idpId)
        return readKeys(env);
    if (input('access_key_id') || input('secret_access_key') || input('security_token')) {
        throw new _input_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('Inputs "idp_id" and access keys were both given: use either idp_id (keyless, OpenID Connect) or access_key_id and secret_access_key, not both.');
    }
    checkHeaderSafe({ name: 'input idp_id', label: 'Input "idp_id"', value: idpId }, false);
    // The IAM token is scoped to the project named after the region.
    if (!region) {
        throw new _input_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz('Input "region" is empty and no region is known: with idp_id, give region (e.g. cn-north-4), since the IAM token is scoped to that region\'s project.');
    }
    const audience = input('oidc_audience');
    return {
        kind: 'oidc',
        idpId,
        ...(audience ? { audience } : {}),
        iamEndpoint: (0,_input_rules_js__WEBPACK_IMPORTED_MODULE_1__/* .parseEndpoint */ .Bk)('iam_endpoint', input('iam_endpoint') || (0,_swr_endpoints_js__WEBPACK_IMPORTED_MODULE_0__/* .defaultIamEndpoint */ .cq)(region))
    };
}


/***/ }),

/***/ 7387:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  TO: () => (/* binding */ logReport),
  kN: () => (/* binding */ planShower),
  S3: () => (/* binding */ publishReport),
  Qw: () => (/* binding */ setLoginOutputs)
});

// EXTERNAL MODULE: ./src/values.ts
var values = __nccwpck_require__(4777);
;// CONCATENATED MODULE: ./src/auth/expiry.ts
// When a temporary docker login expires, as the service says (the X-Swr-Expireat header of the
// standard edition, an instance's expire_date): text from the service, so read strictly and
// checked for sense before it becomes an output (docs/swr-service.md, "Docker login").

/** The longest a temporary login is documented to last is 24 hours; a week is beyond doubt. */
const MOST_AHEAD_MS = 7 * 24 * 3600_000;
// ISO 8601 date and time with a zone: "2026-07-23T08:46:07.811000Z", "...+08:00". A fraction
// of any length (SWR has been seen to send microseconds); no zone is no answer, since the
// hour would be a guess.
const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
/** The instant an ISO 8601 date-time with a zone names, in ms since the epoch; undefined if none. */
function parseIsoInstant(text) {
    const m = ISO.exec(text.trim());
    if (!m)
        return undefined;
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
    const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
    const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    const check = new Date(utc);
    // Date.UTC rolls 2026-02-30 over into March: a date that does not exist is no date.
    if (check.getUTCFullYear() !== year ||
        check.getUTCMonth() !== month - 1 ||
        check.getUTCDate() !== day ||
        hour > 23 ||
        minute > 59 ||
        second > 59)
        return undefined;
    if (m[8])
        return utc;
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59)
        return undefined;
    const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
    return m[9] === '+' ? utc - offset : utc + offset;
}
/**
 * The expiry for the docker_login_expires_at output, as ISO 8601 UTC to the second
 * ("2026-07-23T08:46:07Z"), or why there is none: absent, not a date, already past, or
 * further ahead than any temporary login lasts. `source` names where it came from.
 */
function loginExpiry(raw, source, now = Date.now()) {
    const unset = 'docker_login_expires_at is left empty';
    if (raw === undefined || raw.trim() === '') {
        return { warning: `SWR sent no ${source} with the temporary docker login; ${unset}.` };
    }
    const at = parseIsoInstant(raw);
    if (at === undefined) {
        return {
            warning: `SWR's ${source} ${(0,values/* quoted */.TL)(raw, 64)} is not an ISO 8601 date and time with a time zone; ${unset}.`
        };
    }
    if (at <= now || at > now + MOST_AHEAD_MS) {
        const when = at <= now ? 'in the past' : 'more than 7 days ahead';
        return {
            warning: `SWR's ${source} ${(0,values/* quoted */.TL)(raw, 64)} is ${when}, which no temporary login is; ${unset}.`
        };
    }
    return { expiresAt: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

// EXTERNAL MODULE: ./src/github/log.ts
var log = __nccwpck_require__(3385);
// EXTERNAL MODULE: ./src/http/errors.ts
var errors = __nccwpck_require__(8549);
// EXTERNAL MODULE: ./src/github/runner.ts + 1 modules
var runner = __nccwpck_require__(9823);
// EXTERNAL MODULE: ./src/report.ts
var src_report = __nccwpck_require__(665);
;// CONCATENATED MODULE: ./src/github/outputs.ts
// The step's outputs, from the report. `paths` and `result` keep the order given; a repository
// that does not exist after the run has no line in `paths` and an empty `path` in `result`.


/**
 * Whether the run wrote anything (in a dry run: would): a change made (or planned), or a
 * repository this run created or updated. A change another run made first, and an Enterprise
 * Edition repository left to the first push, are not this run's writes.
 */
function changedOf(report) {
    const made = report.dryRun ? 'planned' : 'done';
    return (report.changes.some(c => c.outcome === made) ||
        report.repositories.some(r => r.created || r.updated));
}
function writeOutputs(report, rules) {
    const first = report.repositories[0];
    const paths = report.repositories.map(r => r.path).filter(Boolean);
    (0,runner/* setOutputs */.n0)([
        ['path', first?.path ?? ''],
        ['paths', paths.join('\n')],
        ['registry', paths[0]?.split('/')[0] ?? rules.registryOverride ?? rules.knownHost ?? ''],
        ['created', String(first?.created ?? false)],
        ['namespace_created', String(report.organization === 'created')],
        // Errors in the result quote the service, which may echo a credential back.
        ['result', (0,runner/* redact */.E$)(JSON.stringify(report.repositories))],
        ['plan', (0,runner/* redact */.E$)(JSON.stringify((0,src_report/* planOutput */.p)(report.changes)))],
        ['replica_paths', report.replicaPaths.join('\n')],
        ['changed', String(changedOf(report))],
        ['deleted', report.deleted.join('\n')]
    ]);
}

;// CONCATENATED MODULE: ./src/github/finish.ts
// What both editions tell the runner about a converged run: the log lines inside its group,
// then the outputs, the job summary, an annotation per failed repository and the failure
// total; and the docker login outputs.






/** One line per repository in the order given, then the report's warnings. */
function logReport(report) {
    for (const line of (0,log/* repositoryLines */.QV)(report))
        (0,runner/* info */.pq)(line);
    for (const message of report.warnings)
        (0,runner/* warning */.$e)(message);
}
/**
 * The outputs, then the summary, then the failures. Called before any docker login, so that a
 * failing login cannot lose the summary. When the credentials were refused half-way, `refused`
 * is the step's one error, the caller's to report: the repositories it stopped are neither
 * annotated each nor totalled.
 */
function publishReport(report, paths, summary, refused) {
    writeOutputs(report, paths);
    (0,runner/* appendSummary */.fe)(summary);
    const stopped = refused ? (0,errors/* failureOf */.g5)(refused) : undefined;
    for (const { title, message } of (0,log/* failureAnnotations */.rb)(report)) {
        if (stopped === undefined || !message.endsWith(stopped))
            (0,runner/* error */.z3)(message, { title });
    }
    const total = refused ? undefined : (0,log/* failureTotal */.rB)(report);
    if (total)
        (0,runner/* setFailed */.C1)(total);
}
/**
 * docker_username and docker_password, the password masked before it is set, and
 * docker_login_expires_at: when a temporary login expires, empty for a long-term one (and,
 * with a warning, when the service's expiry makes no sense).
 */
function setLoginOutputs(login, what) {
    // Both come from the service: a line break would split an output, or leave part of the
    // password unmasked.
    const { username, password } = login;
    if ((0,values/* hasControl */.aQ)(username) || (0,values/* hasControl */.aQ)(password) || !username || !password) {
        throw new Error(`The docker login the service answered for ${what} has an empty user name or password, or one with a line break or control character: no login outputs were set.`);
    }
    (0,runner/* setSecret */.Pq)(login.password);
    (0,runner/* setOutput */.uH)('docker_username', login.username);
    (0,runner/* setOutput */.uH)('docker_password', login.password);
    let expiresAt = '';
    if (login.temporary) {
        const expiry = loginExpiry(login.expiresAt, login.expirySource);
        if ('warning' in expiry)
            (0,runner/* warning */.$e)(expiry.warning);
        else
            expiresAt = expiry.expiresAt;
    }
    (0,runner/* setOutput */.uH)('docker_login_expires_at', expiresAt);
    (0,runner/* info */.pq)(`Docker login outputs set for ${what}${expiresAt ? `, valid until ${expiresAt}` : ''}`);
}
function planShower(dryRun) {
    const shower = {
        shown: false,
        show(changes) {
            shower.shown = true;
            for (const line of (0,log/* planLines */.HN)(changes, dryRun))
                (0,runner/* info */.pq)(line);
        }
    };
    return shower;
}


/***/ }),

/***/ 6797:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Bk: () => (/* binding */ parseEndpoint),
/* harmony export */   Dx: () => (/* binding */ linesOf),
/* harmony export */   Gq: () => (/* binding */ invalid),
/* harmony export */   Mc: () => (/* binding */ entriesOf),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   gH: () => (/* binding */ invalidEntry),
/* harmony export */   yG: () => (/* binding */ parseBoolean)
/* harmony export */ });
/* harmony import */ var _swr_endpoints_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(650);
// The rules every input module shares: the error that names the input, the value and the rule,
// and the parsing of booleans, lists and endpoints. Below inputs.ts and the modules it calls
// (access, credential, enterprise, lifecycle, permission and retention inputs), so that none of
// them imports another in a circle.

/** An input that breaks a rule: the message names the input, the value and the rule. */
class InputError extends Error {
    name = 'InputError';
}
function invalid(input, value, rule) {
    return new InputError(`Input "${input}" is ${JSON.stringify(value)}: ${rule}.`);
}
/**
 * As invalid, for one entry of a list input: when the input holds several entries, the
 * message names the entry without calling it the input's whole value.
 */
function invalidEntry(input, entry, entries, rule) {
    if (entries < 2)
        return invalid(input, entry, rule);
    return new InputError(`Input "${input}" has the entry ${JSON.stringify(entry)}: ${rule}.`);
}
/** The entries of a list input: one per line or comma-separated, trimmed, blanks dropped. */
function entriesOf(value) {
    return value
        .split(/[\n,]/)
        .map(entry => entry.trim())
        .filter(entry => entry.length > 0);
}
/** The non-blank lines of a multi-line input, trimmed. */
function linesOf(value) {
    return value
        .split('\n')
        .map(line => line.trim())
        .filter(line => line.length > 0);
}
function parseBoolean(input, value) {
    // The spellings @actions/core's getBooleanInput accepts (YAML 1.2 core schema).
    if (['true', 'True', 'TRUE'].includes(value))
        return true;
    if (['false', 'False', 'FALSE'].includes(value))
        return false;
    throw invalid(input, value, 'it must be "true" or "false"');
}
function parseEndpoint(input, value) {
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw invalid(input, value, 'it must be a URL such as https://swr-api.cn-north-4.myhuaweicloud.com');
    }
    // Checked first and reported without the value: user info or a query may carry a password.
    if (url.username || url.password || url.search || url.hash) {
        throw new InputError(`Input "${input}" (value hidden) is malformed: it must be a base URL without credentials, query or fragment.`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (0,_swr_endpoints_js__WEBPACK_IMPORTED_MODULE_0__/* .isLoopbackHost */ .cW)(url.hostname))) {
        throw invalid(input, value, 'it must be an https:// URL (plain http is allowed for loopback hosts only)');
    }
    url.pathname = url.pathname.replace(/\/+$/, '');
    return url;
}


/***/ }),

/***/ 1539:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Nz: () => (/* binding */ SIGNATURE_TAGS),
  GP: () => (/* binding */ getInputs),
  N$: () => (/* binding */ tuningFromEnv)
});

// EXTERNAL MODULE: ./src/github/runner.ts + 1 modules
var runner = __nccwpck_require__(9823);
// EXTERNAL MODULE: ./src/github/input-rules.ts
var input_rules = __nccwpck_require__(6797);
// EXTERNAL MODULE: ./src/swr/names.ts
var names = __nccwpck_require__(5604);
// EXTERNAL MODULE: ./src/swr/endpoints.ts
var endpoints = __nccwpck_require__(650);
;// CONCATENATED MODULE: ./src/github/access-inputs.ts
// The inputs of sharing (share_with) and replication (replicate_to, replicate_override), kept
// apart from inputs.ts, which reads everything else. getInputs calls readAccess.



// Huawei Cloud's rule for account names, as its account center states it for choosing a new
// name (support.huaweicloud.com/intl/zh-cn/usermanual-account/account_bi_0003.html).
const ACCOUNT = /^[A-Za-z][A-Za-z0-9_-]{5,31}$/;
const ACCOUNT_RULE = '6-32 characters: letters, digits, "-" and "_", starting with a letter (the rule of Huawei Cloud account names)';
// SWR's limit on the accounts one repository can be shared with.
const MAX_SHARING = 500;
/** The UTC midnight starting a real calendar day written YYYY-MM-DD, else undefined. */
function utcMidnight(date) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    if (!match)
        return undefined;
    const [year, month, day] = match.slice(1).map(Number);
    // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999.
    const midnight = new Date(0);
    midnight.setUTCFullYear(year, month - 1, day);
    const roundTrip = midnight.getUTCFullYear() === year &&
        midnight.getUTCMonth() === month - 1 &&
        midnight.getUTCDate() === day;
    return roundTrip ? midnight : undefined;
}
function parseSharingEntry(entry, entries, now) {
    const refuse = (rule) => (0,input_rules/* invalidEntry */.gH)('share_with', entry, entries, rule);
    const words = entry.split(/\s+/);
    const [account = '', keyword, until] = words;
    if (words.length !== 1 && !(words.length === 3 && keyword === 'until')) {
        throw refuse('each entry must be one account name, optionally followed by "until YYYY-MM-DD"');
    }
    if (!ACCOUNT.test(account))
        throw refuse(`the account name must be ${ACCOUNT_RULE}`);
    if (until === undefined)
        return { account };
    const deadline = utcMidnight(until);
    if (!deadline)
        throw refuse('the date must be a real calendar date written YYYY-MM-DD');
    if (deadline.getTime() <= now.getTime()) {
        throw refuse(`the date must be in the future: the sharing would end at ${until}T00:00:00Z (UTC midnight), which is not after now`);
    }
    return { account, until };
}
function readSharing(value, isPublic, now) {
    if (isPublic === true) {
        throw new input_rules/* InputError */.dz('Inputs "share_with" and "is_public" ("true") were both given: only private repositories can be shared with other accounts; set is_public to "false" or leave it empty.');
    }
    const entries = (0,input_rules/* entriesOf */.Mc)(value);
    if (entries.length > MAX_SHARING) {
        throw new input_rules/* InputError */.dz(`Input "share_with" lists ${entries.length} accounts: SWR shares a repository with at most ${MAX_SHARING}.`);
    }
    const seen = new Set();
    return entries.map(entry => {
        const sharing = parseSharingEntry(entry, entries.length, now);
        // Compared ignoring case: should the service treat "Partner" and "partner" as one account,
        // two entries for it would give it two deadlines to converge to.
        const key = sharing.account.toLowerCase();
        if (seen.has(key)) {
            throw (0,input_rules/* invalidEntry */.gH)('share_with', entry, entries.length, `the account "${sharing.account}" is listed more than once (names compared ignoring case); each account may appear once`);
        }
        seen.add(key);
        return sharing;
    });
}
function refuseEndpoint(endpoint, rule) {
    return new input_rules/* InputError */.dz(`Input "replicate_to" cannot be used with endpoint ${JSON.stringify(endpoint.href)}: ${rule}.`);
}
const MOVED = "a target region's endpoint is this one with the source region replaced in its host";
/**
 * Where a target region's API and registry are. The official endpoints follow the SDK's region
 * table (so eu-west-101 moves to the .eu domain); a custom deployment is assumed to name the
 * region in one label of its hosts, which is replaced, and nothing else.
 */
function locate(context, target) {
    const { endpoint, region } = context;
    if (region && (0,endpoints/* isDefaultApiEndpoint */.zw)(endpoint, region)) {
        return { endpoint: new URL((0,endpoints/* defaultApiEndpoint */.rk)(target)), registry: (0,endpoints/* defaultRegistry */.Vm)(target) };
    }
    if ((0,endpoints/* isLoopbackHost */.cW)(endpoint.hostname)) {
        throw refuseEndpoint(endpoint, `${MOVED}, and a loopback host has no region in it`);
    }
    if (!region) {
        throw refuseEndpoint(endpoint, `${MOVED}, and no source region is known: give region`);
    }
    const moved = (0,endpoints/* regionalEndpoint */.N2)(endpoint, region, target);
    if (!moved) {
        throw refuseEndpoint(endpoint, `${MOVED}, and the host "${endpoint.hostname}" does not hold the source region "${region}" exactly once as a dot-separated part`);
    }
    const registry = (0,endpoints/* registryFromEndpoint */.fS)(moved);
    if (!registry) {
        throw refuseEndpoint(endpoint, `a target region's registry is its API host with "swr-api." replaced by "swr.", and the host "${endpoint.hostname}" does not start with "swr-api."`);
    }
    return { endpoint: moved, registry };
}
/**
 * The registry input cannot follow the targets, unless it only repeats what the endpoint says.
 * Called after locate, which refuses every endpoint that no registry can be derived from.
 */
function checkRegistry(context) {
    const derived = (0,endpoints/* registryFromEndpoint */.fS)(context.endpoint);
    if (context.registry === undefined || context.registry === derived)
        return;
    throw (0,input_rules/* invalid */.Gq)('registry', context.registry, `with replicate_to, each target region's registry is derived from its API endpoint, which a registry set by hand cannot follow; leave registry empty (it is then ${derived})`);
}
function parseTarget(entry, entries, namespace) {
    const refuse = (rule) => (0,input_rules/* invalidEntry */.gH)('replicate_to', entry, entries, rule);
    const slash = entry.indexOf('/');
    const region = slash < 0 ? entry : entry.slice(0, slash);
    const organization = slash < 0 ? namespace : entry.slice(slash + 1);
    if (!(0,endpoints/* isValidRegion */.L5)(region))
        throw refuse(`the region must be ${endpoints/* REGION_RULE */.AH}`);
    const problems = (0,names/* organizationNameProblems */.xo)(organization);
    if (problems.length > 0) {
        throw refuse(`the organization ${JSON.stringify(organization)} is not valid: ${(0,names/* whyInvalid */.Eb)(problems, names/* ORGANIZATION_RULE */.Db)}`);
    }
    return { region, namespace: organization };
}
function readReplication(value, context) {
    const entries = (0,input_rules/* entriesOf */.Mc)(value);
    const targets = entries.map(entry => ({
        entry,
        ...parseTarget(entry, entries.length, context.namespace)
    }));
    const seen = new Set();
    for (const { entry, region, namespace } of targets) {
        const refuse = (rule) => (0,input_rules/* invalidEntry */.gH)('replicate_to', entry, entries.length, rule);
        if (region === context.region) {
            throw refuse(`${region} is the source region; auto-sync copies images to other regions only`);
        }
        const key = `${region}/${namespace}`;
        if (seen.has(key)) {
            throw refuse(`the target ${key} is listed more than once; each target may appear once`);
        }
        seen.add(key);
    }
    const located = targets.map(({ region, namespace }) => ({
        region,
        namespace,
        ...locate(context, region)
    }));
    checkRegistry(context);
    return located;
}
/** share_with, replicate_to and replicate_override, checked against the other inputs. */
function readAccess(input, context, now) {
    const shareWith = input('share_with');
    const replicateTo = input('replicate_to');
    const replicateOverride = input('replicate_override') || 'false';
    const override = (0,input_rules/* parseBoolean */.yG)('replicate_override', replicateOverride);
    if (override && !replicateTo) {
        throw (0,input_rules/* invalid */.Gq)('replicate_override', replicateOverride, 'it applies to the auto-sync rules of replicate_to, which is not set');
    }
    return {
        ...(shareWith ? { shareWith: readSharing(shareWith, context.isPublic, now) } : {}),
        ...(replicateTo ? { replicateTo: readReplication(replicateTo, context) } : {}),
        replicateOverride: override
    };
}

;// CONCATENATED MODULE: ./src/enterprise/names.ts
// An instance's name rules (README, "Enterprise Edition"), which differ from the standard
// edition's: a namespace may start with a digit, and no separator pair is allowed.

const NAMESPACE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const NAMESPACE_RULE = '1-64 characters: lowercase letters, digits, ".", "_" and "-"; it starts and ends with a ' +
    'letter or digit, and ".", "_" and "-" never stand next to each other (the rule of SWR ' +
    'Enterprise Edition namespaces)';
function isValidNamespaceName(name) {
    return name.length >= 1 && name.length <= 64 && NAMESPACE.test(name);
}
/** What a namespace name does wrong, one phrase each; empty exactly when it is valid. */
function namespaceNameProblems(name) {
    return (0,names/* nameProblems */.W1)(name, {
        max: 64,
        separators: '._-',
        pairs: [],
        startsWithLetter: false,
        valid: isValidNamespaceName
    });
}
// A tag pattern goes into a doublestar selector; the action writes several as one "{a,b}"
// alternation, so a retention exception may not hold the characters that would break it.
const TAG_PATTERN = /^[A-Za-z0-9_.*?[\]!{},-]{1,128}$/;
const EXCEPTION = /^[A-Za-z0-9_.*?[\]!-]{1,128}$/;
const TAG_PATTERN_RULE = 'it must be a tag or a doublestar pattern of at most 128 characters: letters, digits, "_", ".", "-" and the glob characters * ? [ ] ! { } ,';
const EXCEPTION_RULE = 'a tag or a glob pattern of at most 128 characters: letters, digits, "_", ".", "-" and * ? [ ] ! (an instance matches tags with glob patterns)';
function isValidTagPattern(pattern) {
    return TAG_PATTERN.test(pattern);
}
function isValidException(pattern) {
    return EXCEPTION.test(pattern);
}

;// CONCATENATED MODULE: ./src/github/enterprise-inputs.ts
// The inputs of an SWR Enterprise Edition run (instance_id, project_id, immutable_tags), and
// the rules that change when instance_id is set: the namespace's name rule, and the inputs an
// instance has no counterpart for (retention-inputs.ts checks the retention exceptions).




const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const PROJECT_ID = /^[0-9a-fA-F]{32}$/;
/** Inputs an instance has nothing to map to, each with why. */
const NO_MEANING = [
    ['category', 'instances have no repository categories'],
    ['share_with', 'instances have no sharing with other accounts'],
    ['replicate_to', 'instances replicate through their own replication policies, not auto-sync']
];
/** The instance's own checks of inputs the standard edition reads too. */
function checkSharedInputs(input) {
    for (const [name, why] of NO_MEANING) {
        if (input(name)) {
            throw new input_rules/* InputError */.dz(`Input "${name}" has no meaning for an SWR Enterprise Edition instance (instance_id is set): ${why}. Drop it.`);
        }
    }
    const namespace = input('namespace');
    const problems = namespaceNameProblems(namespace);
    if (problems.length > 0) {
        throw (0,input_rules/* invalid */.Gq)('namespace', namespace, (0,names/* whyInvalid */.Eb)(problems, NAMESPACE_RULE));
    }
}
function readImmutableTags(input) {
    const lines = [...new Set((0,input_rules/* linesOf */.Dx)(input('immutable_tags')))];
    for (const line of lines) {
        if (!isValidTagPattern(line))
            throw (0,input_rules/* invalid */.Gq)('immutable_tags', line, TAG_PATTERN_RULE);
    }
    return lines.length > 0 ? lines : undefined;
}
// How huaweicloud/auth-action's project_id may be spelled by habit: with "-", or in camelCase.
const PROJECT_HABITS = ['project-id', 'projectId'];
function readProjectId(input, env) {
    const given = input('project_id');
    // Ignored, it would let the run find a project of its own, not the one the workflow named.
    const habit = PROJECT_HABITS.find(name => input(name) !== '');
    if (!given && habit) {
        throw new input_rules/* InputError */.dz(`Input "${habit}" is not an input of this action; did you mean "project_id"? The instance's project id is read from project_id (or HUAWEI_CLOUD_PROJECT_ID).`);
    }
    const value = given || (env['HUAWEI_CLOUD_PROJECT_ID'] ?? '').trim();
    if (!value)
        return {};
    const source = given ? 'input project_id' : 'HUAWEI_CLOUD_PROJECT_ID';
    if (!PROJECT_ID.test(value)) {
        throw (0,input_rules/* invalid */.Gq)(given ? 'project_id' : 'project_id (from HUAWEI_CLOUD_PROJECT_ID)', value, "it must be a project id: 32 hexadecimal characters, as IAM's project list shows it (not the project's name, such as cn-north-4)");
    }
    return { projectId: value, projectIdSource: source };
}
/** Inputs that are only for an instance, given without instance_id. */
function rejectWithoutInstance(input) {
    for (const name of ['immutable_tags', 'project_id']) {
        if (input(name)) {
            throw new input_rules/* InputError */.dz(`Input "${name}" is for SWR Enterprise Edition instances: set instance_id too, or drop it (the standard edition has no ${name === 'project_id' ? 'use for a project id' : 'immutable tag rules'}).`);
        }
    }
}
/**
 * The instance's inputs, or undefined when instance_id is empty. Throws InputError before any
 * request for inputs an instance cannot express, and when no project id can be found at all.
 */
function readEnterprise(input, env, location) {
    const instanceId = input('instance_id');
    if (!instanceId) {
        rejectWithoutInstance(input);
        return undefined;
    }
    if (!INSTANCE_ID.test(instanceId)) {
        throw (0,input_rules/* invalid */.Gq)('instance_id', instanceId, 'it must be an instance id as the SWR console shows it: letters, digits, "-" and "_", at most 64');
    }
    checkSharedInputs(input);
    const project = readProjectId(input, env);
    const immutableTags = readImmutableTags(input);
    const base = { instanceId, ...project, ...(immutableTags ? { immutableTags } : {}) };
    if (project.projectId)
        return base;
    if (!location.region) {
        throw new input_rules/* InputError */.dz('No project id is known for the instance: give project_id (or set HUAWEI_CLOUD_PROJECT_ID), or region, so that IAM can be asked for the project of that region.');
    }
    const iamEndpoint = (0,input_rules/* parseEndpoint */.Bk)('iam_endpoint', input('iam_endpoint') || (0,endpoints/* defaultIamEndpoint */.cq)(location.region));
    return { ...base, projectLookup: { region: location.region, iamEndpoint } };
}
/** Whether the run targets an instance, for the checks that differ before readEnterprise. */
function targetsInstance(input) {
    return input('instance_id') !== '';
}

// EXTERNAL MODULE: ./src/github/credential-inputs.ts
var credential_inputs = __nccwpck_require__(5922);
// EXTERNAL MODULE: ./src/swr/iam-users.ts
var iam_users = __nccwpck_require__(1952);
// EXTERNAL MODULE: ./src/swr/permission-client.ts
var permission_client = __nccwpck_require__(3689);
;// CONCATENATED MODULE: ./src/github/permission-inputs.ts
// The inputs of IAM user grants (organization_permissions, repository_permissions): one grant
// per line, USER=LEVEL.



// IAM's rule for user names (Creating an IAM User, support.huaweicloud.com/api-iam/iam_08_0006):
// 1 to 64 characters, letters (case-sensitive), digits, spaces, "-", "_" and "."; not starting
// with a digit or a space. Older pages of the same API said 1 to 32: the longer limit is taken.
const USER_NAME = /^[A-Za-z_.-][A-Za-z0-9 _.-]{0,63}$/;
const USER_NAME_RULE = 'an IAM user name: 1 to 64 letters, digits, spaces, "-", "_" or ".", not starting with a digit or a space';
const LINE_RULE = 'each line must be USER=LEVEL, where USER is an IAM user name or name:id (the id: 32 hexadecimal characters) and LEVEL is read, write or manage';
function refuse(input, number, line, rule) {
    return new input_rules/* InputError */.dz(`Input "${input}", line ${number} ${JSON.stringify(line)}: ${rule}.`);
}
function parseLine(input, number, line) {
    const fail = (rule) => refuse(input, number, line, rule);
    const parts = line.split('=');
    if (parts.length !== 2)
        throw fail(LINE_RULE);
    const user = (parts[0] ?? '').trim();
    const level = (parts[1] ?? '').trim();
    if (!user || !level)
        throw fail(LINE_RULE);
    if (!(0,permission_client/* isLevel */.NW)(level)) {
        throw fail(`the level ${JSON.stringify(level)} is unknown: it must be read, write or manage`);
    }
    const colon = user.lastIndexOf(':');
    const name = colon < 0 ? user : user.slice(0, colon).trim();
    const id = colon < 0 ? undefined : user.slice(colon + 1).trim();
    if (!USER_NAME.test(name))
        throw fail(`the user name must be ${USER_NAME_RULE}`);
    if (id !== undefined && !iam_users/* USER_ID */.i.test(id)) {
        throw fail('the user id after ":" must be 32 hexadecimal characters, as IAM shows it (or give the name alone, and IAM is asked for the id)');
    }
    return {
        user: name,
        ...(id !== undefined ? { id: id.toLowerCase() } : {}),
        level
    };
}
/** The grants of one input, or undefined when it is empty; each user may appear once. */
function readGrants(input, value) {
    const lines = value
        .split('\n')
        .map((line, i) => ({ number: i + 1, line: line.trim() }))
        .filter(({ line }) => line.length > 0);
    if (lines.length === 0)
        return undefined;
    const grants = [];
    for (const { number, line } of lines) {
        const grant = parseLine(input, number, line);
        const same = grants.find(g => g.user === grant.user || (g.id && grant.id && (0,permission_client/* sameId */.s)(g.id, grant.id)));
        if (same) {
            const who = same.user === grant.user ? `the user "${grant.user}"` : `the user id ${grant.id}`;
            throw refuse(input, number, line, `${who} is listed more than once; each user may appear once`);
        }
        grants.push(grant);
    }
    return grants;
}
/** Both inputs; with instance_id they are input errors (an instance's namespaces have no IAM user grants). */
function readPermissions(input, instance) {
    const organization = input('organization_permissions');
    const repository = input('repository_permissions');
    if (instance) {
        const given = organization
            ? 'organization_permissions'
            : repository
                ? 'repository_permissions'
                : '';
        if (given) {
            throw new input_rules/* InputError */.dz(`Input "${given}" has no meaning for an SWR Enterprise Edition instance (instance_id is set): an instance's namespaces have no IAM user grants. Drop it.`);
        }
        return {};
    }
    const organizationPermissions = readGrants('organization_permissions', organization);
    const repositoryPermissions = readGrants('repository_permissions', repository);
    return {
        ...(organizationPermissions ? { organizationPermissions } : {}),
        ...(repositoryPermissions ? { repositoryPermissions } : {})
    };
}

// EXTERNAL MODULE: ./src/values.ts
var values = __nccwpck_require__(4777);
;// CONCATENATED MODULE: ./src/github/retention-inputs.ts
// The entries of retention_exceptions, read once for both editions. The standard edition sends
// each as an SWR tag selector: a tag name as a "label" selector (SWR keeps the tag of exactly
// that name) and a "re:" entry as a "regexp" selector. An Enterprise Edition instance matches
// tags with doublestar globs and has no regular expressions.




/** Docker's limit on a tag's length, which no exception can usefully exceed. */
const MAX_TAG = 128;
const TAG_EXCEPTION_RULE = 'a tag (at most 128 letters, digits, "_", "." and "-", not starting with "." or "-"), or a regular expression after "re:", such as "re:^v[0-9]+"';
/**
 * The entries of the input: one per line or comma-separated, trimmed, blanks dropped, each
 * once. A comma inside braces stays, so that a regular expression's "{1,3}" is not cut in two.
 */
function exceptionEntries(value) {
    const entries = [];
    for (const line of value.split('\n')) {
        let depth = 0;
        let entry = '';
        for (const c of line) {
            if (c === ',' && depth === 0) {
                entries.push(entry);
                entry = '';
                continue;
            }
            if (c === '{')
                depth++;
            if (c === '}' && depth > 0)
                depth--;
            entry += c;
        }
        entries.push(entry);
    }
    return [...new Set(entries.map(entry => entry.trim()).filter(entry => entry.length > 0))];
}
/** Each character of value that allowed refuses, once, with its position (from 1). */
function refused(value, allowed) {
    const seen = new Set();
    return [...value].flatMap((c, i) => {
        if (allowed(c) || seen.has(c))
            return [];
        seen.add(c);
        return [[c, i + 1]];
    });
}
function charactersPhrase(found, offset = 0) {
    const at = (0,names/* charactersAt */.IV)(found.map(([c, i]) => [c, i + offset]));
    return `${at} ${found.length > 1 ? 'are' : 'is'} not allowed`;
}
function lengthPhrase(entry) {
    return entry.length > MAX_TAG
        ? `it is ${entry.length} characters long, ${entry.length - MAX_TAG} more than the ${MAX_TAG} of a tag`
        : undefined;
}
/** Characters of glob patterns, which no tag holds. */
const GLOB = /[*?[\]{}!]/;
/**
 * Why a tag name for the standard edition, which SWR matches exactly, is refused: Docker's tag
 * grammar is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
 */
function tagReason(entry) {
    const problems = [];
    const length = lengthPhrase(entry);
    if (length)
        problems.push(length);
    const foreign = refused(entry, c => /^[A-Za-z0-9_.-]$/.test(c));
    if (foreign.length > 0) {
        const glob = foreign.some(([c]) => GLOB.test(c))
            ? ' (the standard edition keeps the tag of exactly this name, so a glob matches nothing: write a pattern as a regular expression after "re:")'
            : '';
        problems.push(charactersPhrase(foreign) + glob);
    }
    if (/^[.-]/.test(entry))
        problems.push(`it starts with ${(0,values/* quoted */.TL)(entry[0])}`);
    return problems.length > 0 ? (0,names/* whyInvalid */.Eb)(problems, TAG_EXCEPTION_RULE) : undefined;
}
/** Why a regular expression for the standard edition's "regexp" selector is refused. */
function regexpReason(entry) {
    const pattern = entry.slice(3);
    // A tag holds no whitespace or control characters, so an expression that needs one keeps
    // nothing; most likely it is two entries run together.
    const foreign = refused(pattern, c => /^[\x21-\x7e]$/.test(c));
    if (foreign.length > 0) {
        return (0,names/* whyInvalid */.Eb)([charactersPhrase(foreign, 3)], 'a regular expression without spaces or control characters after "re:", since a tag holds none');
    }
    try {
        if (!pattern)
            throw new Error('empty');
        new RegExp(pattern);
    }
    catch {
        return 'a "re:" entry must hold a valid regular expression';
    }
    return undefined;
}
/** Why a glob pattern for an instance's doublestar tag selector is refused. */
function globReason(entry) {
    if (entry.startsWith('re:')) {
        return 'an SWR Enterprise Edition instance matches tags with glob patterns (such as "v*"), not regular expressions, so "re:" entries cannot be expressed; write the exception as a tag or a pattern';
    }
    if (isValidException(entry))
        return undefined;
    const problems = [];
    const length = lengthPhrase(entry);
    if (length)
        problems.push(length);
    const foreign = refused(entry, c => /^[A-Za-z0-9_.*?[\]!-]$/.test(c));
    if (foreign.length > 0) {
        const braces = foreign.some(([c]) => c === '{' || c === '}')
            ? ' (the action joins the exceptions into one "{a,b}" pattern itself: give each alternative as its own entry)'
            : '';
        problems.push(charactersPhrase(foreign) + braces);
    }
    return (0,names/* whyInvalid */.Eb)(problems, EXCEPTION_RULE);
}
/**
 * The exceptions of retention_exceptions, checked for the edition the run targets; throws an
 * InputError naming the first entry that no tag could match.
 */
function readExceptions(value, instance) {
    const entries = exceptionEntries(value);
    return entries.map(entry => {
        const regexp = !instance && entry.startsWith('re:');
        const reason = instance ? globReason(entry) : regexp ? regexpReason(entry) : tagReason(entry);
        if (reason)
            throw (0,input_rules/* invalidEntry */.gH)('retention_exceptions', entry, entries.length, reason);
        return regexp
            ? { kind: 'regexp', pattern: entry.slice(3) }
            : { kind: 'label', pattern: entry };
    });
}

;// CONCATENATED MODULE: ./src/github/lifecycle-inputs.ts
// The inputs that take repositories down (ensure, prune, max_deletions), checked before any
// request: a present-only setting given with ensure: absent, or a prune pattern outside the
// glob syntax, is the user's mistake, named with its value.

/**
 * Inputs that only describe a repository that exists, with their defaults (the runner passes
 * a default as if it were given, so only another value counts as given).
 */
const PRESENT_ONLY = [
    ['category', ''],
    ['is_public', ''],
    ['description', ''],
    ['on_drift', 'warn'],
    ['retention_keep_last', ''],
    ['retention_keep_days', ''],
    ['retention_exceptions', ''],
    ['retention_keep_signatures', 'true'],
    ['share_with', ''],
    ['immutable_tags', ''],
    ['replicate_override', 'false'],
    ['organization_permissions', ''],
    ['repository_permissions', '']
];
const PRUNE_RULE = 'it must be a repository name pattern: lower-case letters, digits, ".", "_", "-" and "/", with "*" for any characters within one "/"-separated segment and "**" for any number of whole segments (no other syntax)';
/** One segment of a pattern: name characters and single "*"s, or exactly "**". */
const SEGMENT = /^(\*\*|[a-z0-9._*-]+)$/;
function isValidPattern(pattern) {
    if (pattern.length > 256)
        return false;
    return pattern
        .split('/')
        .every(segment => SEGMENT.test(segment) && (segment === '**' || !segment.includes('**')));
}
function readLifecycle(input) {
    const ensure = input('ensure') || 'present';
    if (ensure !== 'present' && ensure !== 'absent') {
        throw (0,input_rules/* invalid */.Gq)('ensure', ensure, 'it must be "present" (create or converge) or "absent" (delete)');
    }
    if (ensure === 'absent') {
        const given = PRESENT_ONLY.filter(([name, fallback]) => {
            const value = input(name);
            return value !== '' && value !== fallback;
        }).map(([name]) => `"${name}"`);
        if (given.length > 0) {
            const names = given.join(', ');
            throw new input_rules/* InputError */.dz(`Input${given.length === 1 ? '' : 's'} ${names} only describe${given.length === 1 ? 's' : ''} a repository that exists, and ensure is "absent": the repositories are deleted. Drop ${given.length === 1 ? 'it' : 'them'}, or set ensure to "present".`);
        }
    }
    const prune = [...new Set((0,input_rules/* linesOf */.Dx)(input('prune')))];
    // prune keeps what is listed present and deletes the rest of its matches (issue 17 defines it
    // with present only); with absent, what is listed goes too, and the two mean opposite things.
    if (ensure === 'absent' && prune.length > 0) {
        throw new input_rules/* InputError */.dz('Inputs "ensure" and "prune" do not go together: ensure is "absent" (the repositories listed are deleted), and prune deletes the repositories matching its patterns that are not listed, keeping the listed ones present. Drop prune, or set ensure to "present" (the default) for a sweep.');
    }
    for (const pattern of prune) {
        if (!isValidPattern(pattern))
            throw (0,input_rules/* invalidEntry */.gH)('prune', pattern, prune.length, PRUNE_RULE);
    }
    const maxInput = input('max_deletions') || '10';
    if (!/^\d+$/.test(maxInput) || Number(maxInput) > 1_000_000) {
        throw (0,input_rules/* invalid */.Gq)('max_deletions', maxInput, 'it must be a whole number from 0 to 1000000');
    }
    return { ensure, prune, maxDeletions: Number(maxInput) };
}

;// CONCATENATED MODULE: ./src/github/inputs.ts










function parseWholeNumber(input, value) {
    if (value === '')
        return undefined;
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1_000_000) {
        throw (0,input_rules/* invalid */.Gq)(input, value, 'it must be a whole number from 1 to 1000000');
    }
    return Number(value);
}
/** One value per line, or comma-separated; blanks dropped, duplicates kept once and reported. */
function parseList(value) {
    const items = new Set();
    const duplicates = new Set();
    for (const item of (0,input_rules/* entriesOf */.Mc)(value)) {
        if (items.has(item))
            duplicates.add(item);
        items.add(item);
    }
    return { items: [...items], duplicates: [...duplicates] };
}
function readRetention(input, instance) {
    const keepLast = parseWholeNumber('retention_keep_last', input('retention_keep_last'));
    const keepDays = parseWholeNumber('retention_keep_days', input('retention_keep_days'));
    const exceptionsInput = input('retention_exceptions');
    if (keepLast !== undefined && keepDays !== undefined) {
        throw new input_rules/* InputError */.dz('Inputs "retention_keep_last" and "retention_keep_days" were both given: an SWR retention rule keeps either the last N tags or the tags of the last N days; choose one.');
    }
    if (keepLast === undefined && keepDays === undefined) {
        if (exceptionsInput) {
            throw new input_rules/* InputError */.dz('Input "retention_exceptions" was given without a rule: set retention_keep_last or retention_keep_days too.');
        }
        return undefined;
    }
    const exceptions = readExceptions(exceptionsInput, instance);
    const signatures = (0,input_rules/* parseBoolean */.yG)('retention_keep_signatures', input('retention_keep_signatures') || 'true');
    return {
        ...(keepLast !== undefined ? { keepLast } : {}),
        ...(keepDays !== undefined ? { keepDays } : {}),
        exceptions: signatures ? [...exceptions, ...SIGNATURE_TAGS] : exceptions
    };
}
/**
 * Tags that signatures, attestations and SBOMs are stored under next to the image (cosign's
 * `sha256-<digest>.sig`, `.att`, `.sbom`, and the `sha256-<digest>` referrers fallback):
 * deleting them would leave an image that verifies as unsigned.
 */
const SIGNATURE_TAGS = [
    { kind: 'regexp', pattern: '^sha256-' },
    { kind: 'regexp', pattern: '\\.(sig|att|sbom)$' }
];
function readNames(input) {
    const namespace = input('namespace');
    if (!namespace)
        throw new input_rules/* InputError */.dz('Input "namespace" is required: the SWR organization name.');
    // An instance's namespaces follow their own rule, checked by readEnterprise.
    const problems = targetsInstance(input) ? [] : (0,names/* organizationNameProblems */.xo)(namespace);
    if (problems.length > 0) {
        throw (0,input_rules/* invalid */.Gq)('namespace', namespace, (0,names/* whyInvalid */.Eb)(problems, names/* ORGANIZATION_RULE */.Db));
    }
    const { items: repositories, duplicates } = parseList(input('repository'));
    // A prune sweep may keep nothing: every repository matching its patterns goes.
    if (repositories.length === 0 && !input('prune').trim()) {
        throw new input_rules/* InputError */.dz('Input "repository" is required: one repository name or several, one per line (it may be empty only with prune).');
    }
    for (const repository of repositories) {
        const problems = (0,names/* repositoryNameProblems */.ij)(repository);
        if (problems.length > 0) {
            const rule = (0,names/* whyInvalid */.Eb)(problems, names/* REPOSITORY_RULE */.SA);
            throw (0,input_rules/* invalidEntry */.gH)('repository', repository, repositories.length, rule);
        }
    }
    return { namespace, repositories, duplicates };
}
// Settings the workflow leaves empty stay undefined: the plan creates a repository with the
// service's own defaults (private, "other") and never calls an unset setting drift.
function readSettings(input) {
    const category = input('category');
    if (category && !names/* CATEGORIES */.R6.includes(category)) {
        throw (0,input_rules/* invalid */.Gq)('category', category, `it must be one of ${names/* CATEGORIES */.R6.join(', ')}`);
    }
    const isPublic = input('is_public');
    const description = input('description');
    if (description.length > 1000) {
        throw new input_rules/* InputError */.dz(`Input "description" is ${description.length} characters long: it may be at most 1000.`);
    }
    const onDrift = input('on_drift') || 'warn';
    if (!['warn', 'update', 'fail'].includes(onDrift)) {
        throw (0,input_rules/* invalid */.Gq)('on_drift', onDrift, 'it must be one of warn, update, fail');
    }
    return {
        ...(category ? { category: category } : {}),
        ...(isPublic ? { isPublic: (0,input_rules/* parseBoolean */.yG)('is_public', isPublic) } : {}),
        description,
        onDrift: onDrift,
        dryRun: (0,input_rules/* parseBoolean */.yG)('dry_run', input('dry_run') || 'false')
    };
}
function readLocation(env, input) {
    const regionInput = input('region') || (env['HUAWEI_CLOUD_REGION'] ?? '').trim();
    if (regionInput && !(0,endpoints/* isValidRegion */.L5)(regionInput)) {
        const source = input('region') ? 'region' : 'region (from HUAWEI_CLOUD_REGION)';
        throw (0,input_rules/* invalid */.Gq)(source, regionInput, `it must be ${endpoints/* REGION_RULE */.AH}`);
    }
    const endpointInput = input('endpoint');
    if (!endpointInput && !regionInput) {
        throw new input_rules/* InputError */.dz('Input "region" is empty and HUAWEI_CLOUD_REGION is not set: give region (e.g. cn-north-4), or endpoint for another SWR deployment.');
    }
    const endpoint = (0,input_rules/* parseEndpoint */.Bk)('endpoint', endpointInput || (0,endpoints/* defaultApiEndpoint */.rk)(regionInput));
    const region = regionInput || (0,endpoints/* regionFromEndpoint */.UL)(endpoint);
    const registry = input('registry');
    if (registry &&
        // The shared host pattern, but lowercase only: docker image paths are lowercase.
        !new RegExp(names/* REGISTRY_HOST */.zv.source).test(registry)) {
        throw (0,input_rules/* invalid */.Gq)('registry', registry, 'it must be a registry host name such as swr.cn-north-4.myhuaweicloud.com, without scheme or path');
    }
    const regionFromEnvironment = !input('region') && Boolean(env['HUAWEI_CLOUD_REGION']?.trim());
    return {
        ...(region ? { region } : {}),
        regionFromEnvironment,
        endpoint,
        ...(registry ? { registry } : {})
    };
}
/**
 * Reads and checks every input; throws InputError before any request is made. Pure: it prints
 * nothing and masks nothing, so the caller masks secretValues(env) before calling it. `now` is
 * what share_with deadlines must come after.
 */
function getInputs(env, now = new Date()) {
    const input = name => (0,runner/* getInput */.V4)(name, env);
    const names = readNames(input);
    // Before the settings: a present-only setting given with ensure: absent is named as such.
    const lifecycle = readLifecycle(input);
    const location = readLocation(env, input);
    // Before the settings, so that an input an instance cannot use is named as such.
    const enterprise = readEnterprise(input, env, location);
    // Its exceptions follow the edition's tag selectors: globs on an instance, else tag names.
    const retention = readRetention(input, enterprise !== undefined);
    const settings = readSettings(input);
    const credentials = (0,credential_inputs/* readCredentials */.L)(env, location.region, input);
    const dockerLoginOutputs = (0,input_rules/* parseBoolean */.yG)('docker_login_outputs', input('docker_login_outputs') || 'false');
    // An instance's login is its own temporary credential, which needs no region.
    if (dockerLoginOutputs && !location.region && !enterprise) {
        throw new input_rules/* InputError */.dz('Input "docker_login_outputs" is "true" but no region is known: give region, since the registry login is per region.');
    }
    const access = readAccess(input, { ...names, ...settings, ...location }, now);
    const permissions = readPermissions(input, enterprise !== undefined);
    const iamEndpoint = iamEndpointFor(input, permissions, location.region);
    return {
        ...names,
        ...settings,
        ...(retention ? { retention } : {}),
        ...location,
        credentials,
        dockerLoginOutputs,
        ...access,
        ...permissions,
        ...(iamEndpoint ? { iamEndpoint } : {}),
        ...(enterprise ? { enterprise } : {}),
        lifecycle
    };
}
/** IAM's endpoint, when some grant names a user by name alone (its id is then looked up). */
function iamEndpointFor(input, permissions, region) {
    const grants = [
        ...(permissions.organizationPermissions ?? []),
        ...(permissions.repositoryPermissions ?? [])
    ];
    const bare = grants.find(g => g.id === undefined);
    if (!bare)
        return undefined;
    const given = input('iam_endpoint');
    if (given)
        return (0,input_rules/* parseEndpoint */.Bk)('iam_endpoint', given);
    if (!region) {
        throw new input_rules/* InputError */.dz(`The user "${bare.user}" is given without an id, so IAM is asked for it, but no region is known for IAM's endpoint: give region or iam_endpoint, or write the user as name:id.`);
    }
    return (0,input_rules/* parseEndpoint */.Bk)('iam_endpoint', (0,endpoints/* defaultIamEndpoint */.cq)(region));
}
/** A variable that is set must be a whole number in [min, max]; unset or empty means fallback. */
function wholeNumberFromEnv(env, name, fallback, [min, max], unit) {
    const value = (env[name] ?? '').trim();
    if (!value)
        return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
        throw new input_rules/* InputError */.dz(`Variable "${name}" is ${JSON.stringify(value)}: it must be a whole number${unit} from ${min} to ${max}.`);
    }
    return Number(value);
}
const MS = ' of milliseconds';
/** Repositories handled at once unless SWR_ACTION_CONCURRENCY says otherwise. */
const DEFAULT_CONCURRENCY = 8;
/**
 * Timing knobs; the variables exist so that tests and impatient users can shorten them, and
 * self-hosted runners behind slow proxies can open fewer or more connections at once.
 */
function tuningFromEnv(env) {
    const read = (name, fallback, range, unit = MS) => wholeNumberFromEnv(env, name, fallback, range, unit);
    return {
        concurrency: read('SWR_ACTION_CONCURRENCY', DEFAULT_CONCURRENCY, [1, 32], ''),
        timeoutMs: read('SWR_ACTION_TIMEOUT_MS', 30_000, [1, 600_000]),
        retry: {
            maxAttempts: read('SWR_ACTION_MAX_ATTEMPTS', 6, [1, 100], ''),
            baseDelayMs: read('SWR_ACTION_RETRY_BASE_MS', 500, [0, 600_000]),
            maxDelayMs: read('SWR_ACTION_RETRY_MAX_MS', 10_000, [0, 600_000]),
            // Six hours: the longest a GitHub-hosted job may run.
            budgetMs: read('SWR_ACTION_RETRY_BUDGET_MS', 300_000, [1, 21_600_000])
        }
    };
}


/***/ }),

/***/ 3385:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   HN: () => (/* binding */ planLines),
/* harmony export */   LM: () => (/* binding */ NOTHING_PLANNED),
/* harmony export */   QV: () => (/* binding */ repositoryLines),
/* harmony export */   SZ: () => (/* binding */ groupTitle),
/* harmony export */   rB: () => (/* binding */ failureTotal),
/* harmony export */   rb: () => (/* binding */ failureAnnotations)
/* harmony export */ });
/* harmony import */ var _values_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4777);

const SIGNS = {
    create: '+',
    update: '~',
    replace: '-/+',
    delete: '-'
};
/** Each resource as a sentence names it, before its name. */
const WHAT = {
    organization: 'organization',
    repository: 'repository',
    retention: 'the retention policy of',
    sharing: 'the sharing of',
    replication: 'the auto-sync rule of',
    'organization-permission': 'an IAM user permission on organization',
    'repository-permission': 'an IAM user permission on',
    namespace: 'namespace',
    immutability: 'the immutable tag rules of'
};
const VERB = {
    create: 'Create',
    update: 'Update',
    replace: 'Replace',
    delete: 'Delete'
};
/** The plan in plain words: a heading, then one line per change with why it is needed. */
function planLines(changes, dryRun) {
    if (changes.length === 0)
        return ['Plan: nothing to change.'];
    const count = `${changes.length} change${changes.length === 1 ? '' : 's'}`;
    const heading = `Plan: ${count}${dryRun ? ', none of which is made (dry run)' : ''}:`;
    return [
        heading,
        ...changes.map(c => {
            const where = c.region ? ` in ${c.region}` : '';
            return `  ${SIGNS[c.action]} ${VERB[c.action]} ${WHAT[c.resource]} ${c.name}${where}: ${c.reason}`;
        })
    ];
}
/** The plan line of a run stopped before it could read anything: its credentials were refused. */
const NOTHING_PLANNED = 'Plan: nothing could be planned, because SWR refused the credentials before anything was read.';
/** "ci-bot write (created), lead manage (unchanged)": names from the service are quoted. */
function grantWords(grants) {
    return grants.map(g => `${(0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(g.user, 64)} ${g.level} (${g.action})`).join(', ');
}
function repositoryLines(report) {
    const organization = report.organizationPermissions
        ? [
            `Organization "${report.namespace}": IAM user permissions: ${grantWords(report.organizationPermissions) || 'none'}`
        ]
        : [];
    return [
        ...organization,
        ...report.repositories.map(r => {
            const line = `Repository "${report.namespace}/${r.repository}": ${r.action}${r.path ? ` (${r.path})` : ''}`;
            return (line +
                (r.note ? `; ${r.note}` : '') +
                (r.retention ? `; retention policy ${r.retention}` : '') +
                (r.permissions ? `; IAM user permissions: ${grantWords(r.permissions)}` : '') +
                (r.immutability ? `; immutable tag rules ${r.immutability}` : ''));
        })
    ];
}
/** Each failed repository's annotation, named in its title and in its text. */
function failureAnnotations(report) {
    const organization = (report.organizationErrors ?? []).map(message => ({
        title: `SWR organization ${report.namespace}`,
        message
    }));
    const namespace = (report.namespaceErrors ?? []).map(message => ({
        title: `SWR namespace ${report.namespace}`,
        message
    }));
    return [
        ...organization,
        ...namespace,
        ...report.repositories.flatMap(r => {
            if (r.error === undefined)
                return [];
            const name = `${report.namespace}/${r.repository}`;
            const message = r.error.includes(`"${name}"`) ? r.error : `Repository "${name}": ${r.error}`;
            return [{ title: `SWR repository ${name}`, message }];
        })
    ];
}
/** The step's failure line: a short total naming the repositories. */
function failureTotal(report) {
    const failed = report.repositories.filter(r => r.error !== undefined);
    const grants = report.organizationErrors?.length ?? 0;
    const policies = report.namespaceErrors?.length ?? 0;
    const organization = [
        grants
            ? `${grants} of the organization's IAM user permissions failed (organization_permissions)`
            : '',
        policies
            ? `${policies} change${policies === 1 ? '' : 's'} of the namespace's retention policy or immutable tag rules failed`
            : ''
    ]
        .filter(Boolean)
        .join('; ') || undefined;
    if (failed.length === 0)
        return organization;
    const total = report.repositories.length;
    const names = failed.map(r => `${report.namespace}/${r.repository}`).join(', ');
    const repositories = `${failed.length} of ${total} repositor${total === 1 ? 'y' : 'ies'} failed: ${names}`;
    return organization ? `${organization}; ${repositories}` : repositories;
}
/**
 * A short group title in plain words, whatever the batch's length: "Ensure group/app exists".
 * `where` names an Enterprise Edition instance.
 */
function groupTitle(namespace, repositories, dryRun, where = '', lifecycle = { ensure: 'present', prune: [] }) {
    const names = repositories.map(r => `${namespace}/${r}`);
    const one = lifecycle.ensure === 'absent' ? 'is absent' : 'exists';
    const many = lifecycle.ensure === 'absent' ? 'are absent' : 'exist';
    const what = repositories.length > 3
        ? `${repositories.length} repositories ${many} in ${namespace}`
        : names.length === 1
            ? `${names[0]} ${one}`
            : names.length === 0
                ? `only the listed repositories of ${namespace} ${many}`
                : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} ${many}`;
    const pruning = lifecycle.prune.length > 0 ? `, pruning ${lifecycle.prune.join(', ')}` : '';
    const title = `Ensure ${what}${where ? ` ${where}` : ''}${pruning}`;
    return dryRun ? `${title} (dry run: nothing is changed)` : title;
}


/***/ }),

/***/ 9823:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  fe: () => (/* binding */ appendSummary),
  Yz: () => (/* binding */ debug),
  z3: () => (/* binding */ error),
  V4: () => (/* binding */ getInput),
  Os: () => (/* binding */ group),
  pq: () => (/* binding */ info),
  _o: () => (/* binding */ isDebug),
  E$: () => (/* binding */ redact),
  C1: () => (/* binding */ setFailed),
  uH: () => (/* binding */ setOutput),
  n0: () => (/* binding */ setOutputs),
  Pq: () => (/* binding */ setSecret),
  $e: () => (/* binding */ warning)
});

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
// EXTERNAL MODULE: ./src/values.ts
var values = __nccwpck_require__(4777);
;// CONCATENATED MODULE: ./src/github/runner.ts
// The runner's workflow-command protocol, written to match @actions/core byte for byte
// (__tests__/runner.test.ts compares the two). @actions/core loads @actions/http-client and
// undici when imported, which costs ~90 ms and ~13 MB at every start; this action needs only
// the few commands below on its common path, and imports @actions/core lazily for OIDC.



/** os.EOL's value, which core writes; without loading node:os for it. */
const EOL = process.platform === 'win32' ? '\r\n' : '\n';
const secrets = new Set();
/** Replaces every registered secret in text, so that no message we print can carry one. */
function redact(text) {
    let out = text;
    // Longest first, so that a short secret inside a longer one cannot leave part of it behind.
    for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
        out = out.split(secret).join('***');
    }
    return out;
}
function escapeData(value) {
    return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(value) {
    return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
// As @actions/core's Command: a space once any property is given, then the non-empty ones.
function issueCommand(command, properties, message) {
    const given = Object.entries(properties);
    const props = given
        .filter(([, value]) => value)
        .map(([key, value]) => `${key}=${escapeProperty(value)}`)
        .join(',');
    process.stdout.write(`::${command}${given.length > 0 ? ' ' + props : ''}::${escapeData(message)}${EOL}`);
}
/** Reads an input the way the runner passes it: INPUT_<NAME>, trimmed. */
function getInput(name, env = process.env) {
    return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}
/** Masks a value in the runner's logs from now on, and in everything this module prints. */
function setSecret(value) {
    if (!value)
        return;
    // A secret with a line break would be masked line by line by the runner; register each line.
    for (const part of [value, ...value.split(/\r?\n/)]) {
        if (part.trim().length > 0)
            secrets.add(part);
    }
    issueCommand('add-mask', {}, value);
}
/** As core.setOutput writes one output to GITHUB_OUTPUT: a heredoc with a fresh delimiter. */
function outputEntry(name, value) {
    const delimiter = `ghadelimiter_${(0,external_node_crypto_.randomUUID)()}`;
    if (name.includes(delimiter) || value.includes(delimiter)) {
        throw new Error(`Unexpected input: output ${name} contains the delimiter ${delimiter}`);
    }
    return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}
function setOutput(name, value) {
    setOutputs([[name, value]]);
}
/**
 * Several outputs, in order, with the bytes core.setOutput would write for each in turn; to
 * GITHUB_OUTPUT in one append rather than one per output.
 */
function setOutputs(outputs) {
    const file = process.env['GITHUB_OUTPUT'];
    if (file) {
        (0,external_node_fs_namespaceObject.appendFileSync)(file, outputs.map(([name, value]) => outputEntry(name, value)).join(''), 'utf8');
        return;
    }
    for (const [name, value] of outputs) {
        process.stdout.write(EOL);
        issueCommand('set-output', { name }, value);
    }
}
function isDebug(env = process.env) {
    return env['RUNNER_DEBUG'] === '1';
}
function debug(message) {
    issueCommand('debug', {}, redact(message));
}
/**
 * A log line no runner reads as a workflow command, whatever text from the service it quotes:
 * one line (a line break shows as \n), no "::" at its start (the runner trims leading blanks
 * first) and no "##[" (the older command form, found anywhere in a line). Ordinary text is
 * left as core.info writes it.
 */
function logLine(message) {
    const line = (0,values/* oneLine */.TN)(message).replace(/##\[/g, '##%5B');
    return /^\s*::/.test(line) ? line.replace('::', '%3A:') : line;
}
/** As core.info, through logLine: the same bytes for any text that cannot start a command. */
function info(message) {
    process.stdout.write(logLine(redact(message)) + EOL);
}
function warning(message) {
    issueCommand('warning', {}, redact(message));
}
/** An error annotation; `title` heads it in the run's annotations. */
function error(message, properties = {}) {
    const props = properties.title === undefined ? {} : { title: redact(properties.title) };
    issueCommand('error', props, redact(message));
}
function setFailed(message) {
    process.exitCode = 1;
    error(message);
}
async function group(name, fn) {
    issueCommand('group', {}, redact(name));
    try {
        return await fn();
    }
    finally {
        issueCommand('endgroup', {}, '');
    }
}
/** Appends Markdown to the job summary, when the runner provides one. */
function appendSummary(markdown) {
    const file = process.env['GITHUB_STEP_SUMMARY'];
    if (!file)
        return;
    (0,external_node_fs_namespaceObject.appendFileSync)(file, redact(markdown), 'utf8');
}


/***/ }),

/***/ 2935:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Br: () => (/* binding */ renderSummary),
/* harmony export */   Hn: () => (/* binding */ cell),
/* harmony export */   Ib: () => (/* binding */ driftCell),
/* harmony export */   W4: () => (/* binding */ ORGANIZATION_WORDS),
/* harmony export */   aY: () => (/* binding */ code),
/* harmony export */   lA: () => (/* binding */ planSection),
/* harmony export */   tp: () => (/* binding */ table)
/* harmony export */ });
// Every text in the summary may quote the service (names, paths, descriptions, messages), so
// none of it is read as Markdown or HTML: a table cell stays one cell of one line, and a
// description cannot add a link, an image, a tag or emphasis.
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
/** Text as Markdown that shows it as it is, in one table cell. */
function cell(text) {
    return (text
        .replace(CONTROLS, ' ')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/[\\`*[\]~|!#]/g, '\\$&')
        // An underscore inside a word never starts emphasis, and is_public reads better as it is.
        .replace(/_/g, (u, at, all) => /[a-z0-9]/i.test(all[at - 1] ?? '') && /[a-z0-9]/i.test(all[at + 1] ?? '') ? u : '\\_'));
}
/**
 * Text as a code span in one table cell: nothing in it is Markdown or HTML, so only what could
 * end the span or the cell is dealt with (a fence longer than any run of backticks in it).
 */
function code(text) {
    if (!text)
        return '—';
    const line = text.replace(CONTROLS, ' ').replace(/\|/g, '\\|');
    const fence = '`'.repeat(Math.max(0, ...(line.match(/`+/g) ?? []).map(r => r.length)) + 1);
    const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
    return `${fence}${pad}${line}${pad}${fence}`;
}
function settingsOf(result) {
    if (!result.settings)
        return '—';
    const { is_public, category, description } = result.settings;
    return cell(`${is_public ? 'public' : 'private'}, ${category}${description ? `, "${description}"` : ''}`);
}
/** A repository's error, else its drift, one setting a line. */
function driftCell(result) {
    if (result.error)
        return `**error:** ${cell(result.error)}`;
    if (result.drift.length === 0)
        return '—';
    return result.drift
        .map(d => `${d.setting}: ${cell(String(d.actual))} → ${cell(String(d.wanted))}`)
        .join('<br>');
}
/** What became of the organization (an instance's namespace), in words. */
const ORGANIZATION_WORDS = {
    created: 'created',
    exists: 'exists',
    'would create': 'would be created',
    failed: 'could not be created',
    'not reached': 'not reached'
};
/** What the workflow asked for; a setting it did not set is compared with nothing. */
function describeWanted(wanted) {
    const { is_public, category, description } = wanted.settings;
    const parts = [
        is_public === undefined ? 'is_public not set' : is_public ? 'public' : 'private',
        category === undefined ? 'category not set' : category,
        ...(description ? [`"${description}"`] : [])
    ];
    return `${parts.join(', ')}; on drift: ${wanted.onDrift}`;
}
function changeRow(change) {
    const outcome = change.outcome + (change.note ? ` (${change.note})` : '');
    const name = change.region ? `${change.name} (${change.region})` : change.name;
    return [change.resource, code(name), change.action, cell(change.reason), cell(outcome)];
}
function sharingCell(result) {
    const list = result.sharing ?? [];
    if (list.length === 0)
        return '—';
    return list
        .map(s => cell(`${s.account} (${s.deadline === 'forever' ? 'forever' : `until ${s.deadline.slice(0, 10)}`}): ${s.action}`))
        .join('<br>');
}
function grantsCell(grants) {
    if (!grants || grants.length === 0)
        return '—';
    return grants.map(g => cell(`${g.user}: ${g.level} (${g.action})`)).join('<br>');
}
function replicationCell(result) {
    const list = result.replication ?? [];
    if (list.length === 0)
        return '—';
    return list.map(r => cell(`${r.region}/${r.namespace}: ${r.action}`)).join('<br>');
}
/** The repository table; sharing and replication columns only when the inputs ask for them. */
function repositoryTable(wanted, report) {
    const extra = [
        ...(wanted.shareWith ? [['Shared with', sharingCell]] : []),
        ...(wanted.replicateTo ? [['Replicated to', replicationCell]] : []),
        ...(wanted.repositoryPermissions
            ? [['IAM users', (r) => grantsCell(r.permissions)]]
            : [])
    ];
    const head = [
        'Repository',
        'Path',
        'Done',
        'Settings',
        'Retention',
        ...extra.map(([h]) => h),
        'Drift'
    ];
    return table(head, report.repositories.map(r => [
        code(r.repository),
        code(r.path),
        r.action,
        settingsOf(r),
        r.retention ?? '—',
        ...extra.map(([, render]) => render(r)),
        driftCell(r)
    ]));
}
/** A Markdown table of cells already escaped. */
function table(head, rows) {
    return [
        `| ${head.join(' | ')} |`,
        `| ${head.map(() => '---').join(' | ')} |`,
        ...rows.map(row => `| ${row.join(' | ')} |`)
    ];
}
/** The plan with what became of each change: the same for both editions. */
function planSection(changes) {
    if (changes.length === 0)
        return ['Plan: no changes.', ''];
    return [
        `#### Plan: ${changes.length} change${changes.length === 1 ? '' : 's'}`,
        '',
        ...table(['Resource', 'Name', 'Action', 'Why', 'Outcome'], changes.map(changeRow)),
        ''
    ];
}
function renderSummary(wanted, report) {
    const lines = [
        `### SWR repositories${report.dryRun ? ' (dry run: nothing was changed)' : ''}`,
        '',
        `Organization ${code(report.namespace)}: ${ORGANIZATION_WORDS[report.organization]}. ` +
            `Wanted: ${cell(describeWanted(wanted))}. A setting that is not set is left as it is, and a new repository is private and \`other\` unless set.`,
        '',
        ...(report.organizationPermissions
            ? [
                `IAM users on organization ${code(report.namespace)}: ${grantsCell(report.organizationPermissions)}`,
                ''
            ]
            : []),
        ...repositoryTable(wanted, report),
        ''
    ];
    return [...lines, ...planSection(report.changes)].join('\n') + '\n';
}


/***/ }),

/***/ 8549:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Gb: () => (/* binding */ requestIdOf),
/* harmony export */   Rl: () => (/* binding */ CredentialsRefused),
/* harmony export */   g5: () => (/* binding */ failureOf),
/* harmony export */   hD: () => (/* binding */ ApiError),
/* harmony export */   zU: () => (/* binding */ parseServiceError)
/* harmony export */ });
/* harmony import */ var _values_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4777);
// Turns an error answer of any Huawei Cloud service into a code, a message and a request id.
// The bodies come in several shapes (docs/swr-service.md, "Error answers"); the live SWR shape
// carries the same code twice, at the top (`error_code`) and in `errors[0]`, so the top is
// read first.

// What an error answer contributes to a message is the service's text: one line, and short,
// since it is quoted in the log, an annotation, the summary and the result output.
const CODE_MAX = 100;
const MESSAGE_MAX = 500;
function clip(text, max) {
    const line = (0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(text);
    return line.length > max ? `${line.slice(0, max)}…` : line;
}
function pick(o, codeKeys, messageKeys) {
    const rawCode = codeKeys.map(k => o[k]).find(v => v !== undefined && v !== '');
    const rawMessage = messageKeys.map(k => o[k]).find(v => v !== undefined && v !== '');
    // IAM's {"error":{"code":401,…}} repeats the HTTP status as a number: not a code worth showing.
    const code = typeof rawCode === 'string' ? clip(rawCode, CODE_MAX) : undefined;
    const message = rawMessage === undefined ? undefined : clip(String(rawMessage), MESSAGE_MAX);
    if (code === undefined && message === undefined)
        return undefined;
    return { ...(code !== undefined ? { code } : {}), ...(message !== undefined ? { message } : {}) };
}
function fromValue(value) {
    if (Array.isArray(value))
        return value.length > 0 ? fromValue(value[0]) : undefined;
    if (typeof value !== 'object' || value === null)
        return undefined;
    const o = value;
    return (pick(o, ['error_code'], ['error_msg']) ??
        (Array.isArray(o['errors']) ? fromValue(o['errors']) : undefined) ??
        (typeof o['error'] === 'object' ? fromValue(o['error']) : undefined) ??
        pick(o, ['errorCode', 'code'], ['errorMessage', 'errorMsg', 'message']));
}
/** The service's own code and message, from any known body shape, else from the raw text. */
function parseServiceError(body) {
    const text = body.trim();
    if (!text)
        return {};
    try {
        const parsed = fromValue(JSON.parse(text));
        if (parsed)
            return parsed;
    }
    catch {
        // not JSON: fall through to the text itself
    }
    if (/^<(!doctype|html)/i.test(text)) {
        const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
        return {
            message: `an HTML page${title ? ` titled "${clip(title, 120)}"` : ''} instead of an API answer`
        };
    }
    return { message: clip(text, 300) };
}
function requestIdOf(response) {
    const id = response.headers['x-request-id'] ?? response.headers['x-openstack-request-id'];
    const first = Array.isArray(id) ? id[0] : id;
    return first === undefined ? undefined : clip(first, CODE_MAX);
}
/** An answer a call cannot go on from. The message quotes the service, never our request. */
class ApiError extends Error {
    operation;
    status;
    error;
    requestId;
    name = 'ApiError';
    constructor(operation, status, error, requestId, hint) {
        super(`${operation} failed: HTTP ${status}` +
            (error.code ? ` ${error.code}` : '') +
            (error.message ? `: ${error.message}` : '') +
            (requestId ? ` (request id ${requestId})` : '') +
            (hint ? `. ${hint}` : ''));
        this.operation = operation;
        this.status = status;
        this.error = error;
        this.requestId = requestId;
    }
}
/**
 * An answer that refuses the credentials themselves (a bad signature, an unknown or locked key,
 * an expired token), not a permission on one resource: every other request of the run would be
 * refused alike, so the run stops at the first one (docs/swr-service.md, "Refused credentials").
 */
class CredentialsRefused extends ApiError {
    name = 'CredentialsRefused';
    constructor(...args) {
        super(...args);
        this.message += ' The run stopped at this answer: no further request was sent.';
    }
}
/**
 * A repository's or a change's failure as the result and the summary show it: the credentials'
 * refusal is the step's one error, so each thing it stopped names it without repeating it.
 */
function failureOf(err) {
    if (err instanceof CredentialsRefused) {
        return "not done: SWR refused the credentials, and the run stopped there (the step's error says why)";
    }
    return err instanceof Error ? err.message : String(err);
}


/***/ }),

/***/ 9407:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4761);

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 4761:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  e: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./src/values.ts
var values = __nccwpck_require__(4777);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
;// CONCATENATED MODULE: ./src/http/signer.ts
// SDK-HMAC-SHA256 request signing, as the official Huawei Cloud SDKs do it
// (docs/swr-service.md, "Calls"). Tests check it against the official test
// vectors and against the official Node signer.

const ALGORITHM = 'SDK-HMAC-SHA256';
/** Percent-encodes everything but A-Z a-z 0-9 - _ . ~, with uppercase hex (RFC 3986). */
function encodeRfc3986(value) {
    return encodeURIComponent(value).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
function decodeSegment(segment) {
    try {
        return decodeURIComponent(segment);
    }
    catch {
        return segment;
    }
}
/** Each path segment encoded (from its decoded form, so "%24" and "$" agree), ending in "/". */
function canonicalUri(pathname) {
    const uri = pathname
        .split('/')
        .map(segment => encodeRfc3986(decodeSegment(segment)))
        .join('/');
    return uri.endsWith('/') ? uri : `${uri}/`;
}
function canonicalQuery(params) {
    const byKey = new Map();
    for (const [key, value] of params)
        byKey.set(key, [...(byKey.get(key) ?? []), value]);
    return [...byKey.keys()]
        .sort()
        .flatMap(key => (byKey.get(key) ?? []).sort().map(v => `${encodeRfc3986(key)}=${encodeRfc3986(v)}`))
        .join('&');
}
function sha256Hex(data) {
    return (0,external_node_crypto_.createHash)('sha256').update(data, 'utf8').digest('hex');
}
/** "20060102T150405Z" */
function sdkDate(now) {
    return now
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
}
/** The signature over exactly the given headers; the date is read from their X-Sdk-Date. */
function computeSignature(method, url, headersToSign, body, secretAccessKey) {
    const entries = Object.entries(headersToSign)
        .map(([name, value]) => [name.toLowerCase(), value.trim()])
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const date = entries.find(([name]) => name === 'x-sdk-date')?.[1];
    if (!date)
        throw new Error('X-Sdk-Date must be among the signed headers');
    const signedHeaders = entries.map(([name]) => name).join(';');
    const canonicalRequest = [
        method.toUpperCase(),
        canonicalUri(url.pathname),
        canonicalQuery(url.searchParams),
        entries.map(([name, value]) => `${name}:${value}\n`).join(''),
        signedHeaders,
        sha256Hex(body)
    ].join('\n');
    const stringToSign = `${ALGORITHM}\n${date}\n${sha256Hex(canonicalRequest)}`;
    const signature = (0,external_node_crypto_.createHmac)('sha256', secretAccessKey).update(stringToSign).digest('hex');
    return { signedHeaders, signature };
}
/**
 * Returns the headers to send: the given ones plus Host, X-Sdk-Date, X-Security-Token (for
 * temporary credentials) and Authorization. Every header sent is signed, like the Node SDK.
 */
function signRequest(request, credentials, now = new Date()) {
    const headers = {
        ...request.headers,
        Host: request.url.host,
        'X-Sdk-Date': sdkDate(now)
    };
    if (credentials.securityToken)
        headers['X-Security-Token'] = credentials.securityToken;
    const { signedHeaders, signature } = computeSignature(request.method, request.url, headers, request.body, credentials.secretAccessKey);
    headers['Authorization'] =
        `${ALGORITHM} Access=${credentials.accessKeyId}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
}

;// CONCATENATED MODULE: ./src/auth/credentials.ts
// Turns the credential inputs into an Authorizer: AK/SK (optionally STS) signing, or an IAM
// token obtained keylessly by exchanging the workflow's OpenID Connect token.



/** Reads the workflow's ID token; only this path loads @actions/core (it brings an HTTP stack). */
async function getIdToken(audience) {
    if (!process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] ||
        !process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']) {
        throw new Error('Cannot request the OpenID Connect token: the job lacks "permissions: id-token: write". Add it to the job (or workflow) that runs this action, or use access keys instead of idp_id.');
    }
    const core = await Promise.all(/* import() */[__nccwpck_require__.e(779), __nccwpck_require__.e(143)]).then(__nccwpck_require__.bind(__nccwpck_require__, 143));
    try {
        return await core.getIDToken(audience);
    }
    catch (err) {
        throw new Error(`Cannot get the OpenID Connect token from GitHub: ${(0,values/* messageOf */.bD)(err)}`, {
            cause: err
        });
    }
}
/** The project id IAM's token answer names ({"token":{"project":{"id"}}}), if any. */
function projectIdOf(json) {
    const token = json?.token;
    const id = token?.project?.id;
    return typeof id === 'string' && id ? id : undefined;
}
/** Exchanges the ID token at IAM for a token scoped to the project named after `region`. */
async function exchange(api, inputs, idToken, region, another) {
    // Exchanging the same ID token twice is harmless: a retry needs no read-back.
    const { response, json } = await api.call({
        operation: `exchange the OpenID Connect token at IAM (identity provider "${inputs.idpId}"${another ? `, project ${region}` : ''})`,
        method: 'POST',
        path: '/v3.0/OS-AUTH/id-token/tokens',
        body: { auth: { id_token: { id: idToken }, scope: { project: { name: region } } } },
        headers: { 'X-Idp-Id': inputs.idpId }
    }, { ok: [200, 201] });
    const header = response.headers['x-subject-token'];
    const token = Array.isArray(header) ? header[0] : header;
    if (!token)
        throw new Error('IAM accepted the OpenID Connect token but returned no X-Subject-Token header');
    const projectId = projectIdOf(json);
    return { token, ...(projectId ? { projectId } : {}) };
}
/**
 * The Authorizer for the credential inputs. `mask` registers each secret the exchange yields
 * (the ID token, the IAM tokens) the moment it is known. An IAM token is scoped to one
 * region's project, so OpenID Connect exchanges once more for each other region the run
 * calls, when it first calls it; keys sign for every region alike.
 */
async function resolveCredentials(inputs, region, makeApi, mask) {
    if (inputs.kind === 'keys') {
        const keys = {
            accessKeyId: inputs.accessKeyId,
            secretAccessKey: inputs.secretAccessKey,
            ...(inputs.securityToken ? { securityToken: inputs.securityToken } : {})
        };
        const authorize = request => signRequest(request, keys);
        return {
            authorize,
            authorizeIn: () => authorize,
            ...(inputs.securityToken
                ? {}
                : {
                    longTermKeys: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey }
                }),
            description: `${inputs.securityToken ? 'temporary' : 'long-term'} access keys from ${inputs.source}`
        };
    }
    const idToken = await getIdToken(inputs.audience);
    mask(idToken);
    const api = makeApi(inputs.iamEndpoint);
    let projectId;
    const tokenFor = async (r) => {
        const exchanged = await exchange(api, inputs, idToken, r, r !== region);
        mask(exchanged.token);
        if (r === region)
            projectId = exchanged.projectId;
        return exchanged.token;
    };
    const byToken = (token) => ({ headers }) => ({ ...headers, 'X-Auth-Token': token });
    const authorize = byToken(await tokenFor(region));
    // Another region's token is asked for only when that region is first called, once.
    const others = new Map();
    const authorizeIn = (r) => {
        if (r === region)
            return authorize;
        return async (request) => {
            let token = others.get(r);
            if (!token)
                others.set(r, (token = tokenFor(r)));
            return byToken(await token)(request);
        };
    };
    return {
        authorize,
        authorizeIn,
        ...(projectId ? { projectId } : {}),
        description: `an IAM token from OpenID Connect (identity provider "${inputs.idpId}")`
    };
}
/** The documented long-term login: {region}@{AK} and hex HMAC-SHA256(key = SK, message = AK). */
function longTermDockerLogin(region, accessKeyId, secretAccessKey) {
    return {
        username: `${region}@${accessKeyId}`,
        password: (0,external_node_crypto_.createHmac)('sha256', secretAccessKey).update(accessKeyId).digest('hex')
    };
}

// EXTERNAL MODULE: ./src/github/credential-inputs.ts
var credential_inputs = __nccwpck_require__(5922);
// EXTERNAL MODULE: ./src/github/inputs.ts + 6 modules
var github_inputs = __nccwpck_require__(1539);
// EXTERNAL MODULE: ./src/github/finish.ts + 2 modules
var finish = __nccwpck_require__(7387);
// EXTERNAL MODULE: ./src/github/log.ts
var log = __nccwpck_require__(3385);
// EXTERNAL MODULE: ./src/github/runner.ts + 1 modules
var runner = __nccwpck_require__(9823);
// EXTERNAL MODULE: ./src/http/errors.ts
var errors = __nccwpck_require__(8549);
;// CONCATENATED MODULE: ./src/http/retry.ts
// Exponential backoff with full jitter, bounded by attempts and by a total time budget.
const DEFAULT_RETRY_POLICY = {
    maxAttempts: 6,
    baseDelayMs: 500,
    maxDelayMs: 10_000,
    budgetMs: 300_000
};
/** The wait before attempt `attempt + 1`: uniform in [0, min(max, base · 2^(attempt-1))). */
function backoffDelay(attempt, policy, random = Math.random) {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(random() * ceiling);
}
/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or bad. */
function parseRetryAfter(value, now = Date.now()) {
    const text = Array.isArray(value) ? value[0] : value;
    if (!text)
        return undefined;
    if (/^\d+$/.test(text.trim()))
        return Number(text.trim()) * 1000;
    const date = Date.parse(text);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms));

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __nccwpck_require__(7030);
// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/proxy.js
var proxy = __nccwpck_require__(9783);
;// CONCATENATED MODULE: ./src/http/transport.ts


const TLS_TRUST_CODES = new Set([
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'CERT_UNTRUSTED',
    'ERR_TLS_CERT_ALTNAME_INVALID'
]);
const RETRYABLE_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'ETIMEDOUT',
    'EPIPE',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENETDOWN',
    'UND_ERR_SOCKET',
    'ERR_STREAM_PREMATURE_CLOSE',
    'TIMEOUT',
    'INCOMPLETE'
]);
/**
 * A request that got no complete answer. retryable says whether trying again may help; sent
 * says whether the server may have received the request and carried it out, so that a write
 * whose answer was lost is read back before it is repeated (false: it certainly never arrived).
 */
class TransportError extends Error {
    code;
    retryable;
    sent;
    name = 'TransportError';
    constructor(message, code, retryable, sent) {
        super(message);
        this.code = code;
        this.retryable = retryable;
        this.sent = sent;
    }
}
function describe(err, url, timeoutMs, sent) {
    const code = err.code ?? 'UNKNOWN';
    const where = `${url.protocol}//${url.host}`;
    if (TLS_TRUST_CODES.has(code)) {
        return new TransportError(`The TLS certificate of ${where} is not trusted (${code}: ${err.message}). If a TLS-inspecting proxy or a private CA is in the way, give its CA certificate to Node with NODE_EXTRA_CA_CERTS.`, code, false, sent);
    }
    // The proxy tunnel reports the proxy's refusal of CONNECT only in its message.
    const refusal = /tunneling socket could not be established, statusCode=(\d+)/.exec(err.message);
    if (refusal) {
        const status = Number(refusal[1]);
        const hint = status === 407
            ? " (Proxy Authentication Required): put the proxy's credentials in its URL, https_proxy=http://user:password@host:port"
            : '';
        return new TransportError(`The proxy refused the tunnel to ${where} with HTTP ${status}${hint}`, code, status >= 500, sent);
    }
    if (code === 'TIMEOUT') {
        return new TransportError(`No answer from ${where} within ${timeoutMs} ms`, code, true, sent);
    }
    if (code === 'INCOMPLETE') {
        return new TransportError(`${where} closed the connection before the answer was complete`, code, true, sent);
    }
    if (code === 'ENOTFOUND') {
        return new TransportError(`Cannot resolve ${url.hostname} (${code}): check region and endpoint`, code, false, sent);
    }
    return new TransportError(`Request to ${where} failed: ${code} ${err.message}`, code, RETRYABLE_CODES.has(code), sent);
}
// Whether a request may have reached the server is read from its socket, not from error codes
// (the proxy tunnel reports even an unreachable proxy as ECONNRESET). Until the socket has
// connected, and for TLS finished its handshake, every byte of the request sits in our own
// buffers: a failure before that point means the server certainly never saw it. From that point
// on, a reset, a timeout or a cut answer cannot tell whether the server read the request and
// carried it out, so the request counts as sent.
const established = new WeakSet();
function watchSocket(socket) {
    if (established.has(socket))
        return;
    const tls = socket;
    // The proxy tunnel hands a queued request a socket it secured earlier without marking it
    // reused; its verified handshake shows as authorized.
    const ready = tls.encrypted ? tls.authorized === true : !socket.pending;
    if (ready)
        established.add(socket);
    else
        socket.once(tls.encrypted ? 'secureConnect' : 'connect', () => established.add(socket));
}
// setTimeout turns a delay above 2^31-1 ms into 1 ms, so such a timeout would fire at once.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/**
 * A clock that never jumps, in milliseconds. Not performance.now(): the first use of that global
 * loads perf_hooks, nine modules, at every start.
 */
function monotonicMs() {
    return Number(process.hrtime.bigint()) / 1e6;
}
function checkTimeout(timeoutMs) {
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
        throw new Error(`The request timeout must be a number of milliseconds above 0 and at most ${MAX_TIMEOUT_MS}, not ${String(timeoutMs)}`);
    }
    return timeoutMs;
}
function incomplete() {
    return Object.assign(new Error('incomplete answer'), { code: 'INCOMPLETE' });
}
/**
 * The most of an answer's body that is read, in bytes. Every SWR answer is small JSON: a page
 * of 1000 repositories is about 0.5 MB, and an error a few hundred bytes. An answer is held
 * whole while it is read and parsed (a 200 MB one took about 930 MB of memory), so one far
 * larger than any real answer is cut off here, before it can exhaust the runner's memory.
 */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
/** An answer larger than MAX_ANSWER_BYTES: final, since asking again brings the same answer. */
function tooLarge(method, url, sent, size) {
    const mib = MAX_ANSWER_BYTES / 1024 / 1024;
    return new TransportError(`the answer to ${method} ${url.pathname} is larger than the ${mib} MiB an answer may have` +
        `${size === undefined ? '' : ` (Content-Length ${size})`}; it was not read. No SWR answer is that large: check the endpoint, and any proxy in between`, 'TOO_LARGE', false, sent);
}
function readAnswer(res, fail, overflow, done) {
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_ANSWER_BYTES) {
        res.destroy();
        overflow(declared);
        return;
    }
    const chunks = [];
    let received = 0;
    res.on('data', (chunk) => {
        received += chunk.length;
        if (received > MAX_ANSWER_BYTES) {
            chunks.length = 0;
            res.destroy();
            overflow();
            return;
        }
        chunks.push(chunk);
    });
    // Node reports an answer cut short as an 'aborted' error, or only as a close.
    res.on('error', () => fail(incomplete()));
    res.on('close', () => {
        if (!res.complete)
            fail(incomplete());
    });
    res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        done({ status: res.statusCode ?? 0, headers: res.headers, body });
    });
}
/**
 * The proxy a request to url goes through: https_proxy/HTTPS_PROXY (http_proxy for http URLs)
 * unless no_proxy/NO_PROXY lists the host; loopback hosts never use a proxy. These are the
 * runner's own rules, from @actions/http-client.
 */
function proxyFor(url) {
    return (0,proxy/* getProxyUrl */.s)(url);
}
/**
 * What an agent's createSocket gives createConnection for a request to host:port: the agent's
 * own options (noDelay among them), the server name a request sends (none for an IP address)
 * and the key under which an https agent caches the TLS session, so that a warm socket is set
 * up as the agent's own would be and later connections can resume its session.
 */
function warmOptions(agent, host, port) {
    const options = {
        ...agent.options,
        host,
        port,
        servername: (0,external_node_net_.isIP)(host) ? '' : host
    };
    return { ...options, _agentKey: agent.getName(options) };
}
/**
 * Lets an agent hand out connections opened ahead of need: the agent's documented
 * createConnection hook takes a warm socket for the same host and port before it opens one.
 * A socket the server closed meanwhile is passed over.
 */
function warmable(agent, secure, dispose) {
    const stash = new Map();
    dispose(() => [...stash.values()].flat().forEach(socket => socket.destroy()));
    const open = agent.createConnection.bind(agent);
    const keyOf = (host, port) => `${String(host)}:${String(port)}`;
    agent.createConnection = (options, callback) => {
        const sockets = stash.get(keyOf(options['host'], options['port'])) ?? [];
        for (let socket = sockets.shift(); socket; socket = sockets.shift()) {
            // Held open without keeping the process alive until a request takes it.
            if (!socket.destroyed && socket.writable)
                return socket.ref();
        }
        return open(options, callback);
    };
    return (url, count) => {
        const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
        const port = Number(url.port || (secure ? 443 : 80));
        const sockets = stash.get(keyOf(host, port)) ?? [];
        stash.set(keyOf(host, port), sockets);
        for (let i = 0; i < count; i++) {
            const socket = open(warmOptions(agent, host, port));
            // A warm socket that fails is simply passed over when a request comes.
            socket.on('error', () => socket.destroy());
            socket.unref();
            sockets.push(socket);
        }
    };
}
class Transport {
    options;
    routes = new Map();
    disposers = [];
    closed = false;
    /** Connections opened so far, for the debug log and the benchmark. */
    connections = 0;
    constructor(options) {
        this.options = options;
        checkTimeout(options.timeoutMs);
    }
    route(url) {
        const proxy = proxyFor(url);
        const key = `${url.protocol}|${proxy?.href ?? ''}`;
        let route = this.routes.get(key);
        if (!route) {
            route = this.createRoute(url, proxy !== undefined);
            this.routes.set(key, route);
        }
        return route;
    }
    async createRoute(url, viaProxy) {
        const secure = url.protocol === 'https:';
        const mod = secure ? await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 4708, 23)) : await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 7067, 23));
        const keepAlive = true;
        const maxSockets = this.options.maxSockets;
        if (viaProxy) {
            // @actions/http-client builds the CONNECT tunnel (with proxy credentials and no_proxy
            // handled as the runner does); it is only loaded when a proxy applies.
            const { HttpClient } = await __nccwpck_require__.e(/* import() */ 779).then(__nccwpck_require__.bind(__nccwpck_require__, 2779));
            const client = new HttpClient(this.options.userAgent, [], { keepAlive, maxSockets });
            this.disposers.push(() => client.dispose());
            return { request: mod.request, agent: client.getAgent(url.href) };
        }
        const agent = new mod.Agent({ keepAlive, maxSockets });
        const warm = warmable(agent, secure, fn => this.disposers.push(fn));
        this.disposers.push(() => agent.destroy());
        return { request: mod.request, agent, warm };
    }
    /**
     * Opens `count` connections to url's host now, for requests that will need them soon: the
     * TCP and TLS handshakes then overlap with other work (a token exchange, a first read).
     * Connections through a proxy are opened as requests need them.
     */
    async preconnect(url, count) {
        const route = await this.route(url);
        // A run that failed early may have closed the transport while the route was loading.
        if (!this.closed)
            route.warm?.(url, count);
    }
    /** The deadline runs from this call: loading node:https or the proxy tunnel counts against it. */
    async request(method, url, headers, body, options = {}) {
        const timeoutMs = checkTimeout(Math.min(options.timeoutMs ?? this.options.timeoutMs, options.budgetMs ?? Infinity));
        const deadline = monotonicMs() + timeoutMs;
        const route = await this.route(url);
        return this.exchange(route, method, url, headers, body, {
            timeoutMs,
            leftMs: Math.max(0, deadline - monotonicMs())
        });
    }
    exchange({ request, agent }, method, url, headers, body, { timeoutMs, leftMs }) {
        return new Promise((resolve, reject) => {
            let settled = false;
            let socket;
            const settle = () => {
                if (settled)
                    return false;
                settled = true;
                clearTimeout(timer);
                return true;
            };
            const sentSoFar = () => socket !== undefined && established.has(socket);
            const fail = (err) => {
                if (settle())
                    reject(describe(err, url, timeoutMs, sentSoFar()));
            };
            const overflow = (size) => {
                if (settle())
                    reject(tooLarge(method, url, sentSoFar(), size));
            };
            const fullHeaders = {
                ...headers,
                'User-Agent': this.options.userAgent,
                ...(body ? { 'Content-Length': String(Buffer.byteLength(body)) } : {})
            };
            const req = request({
                protocol: url.protocol,
                hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
                port: url.port || undefined,
                path: `${url.pathname}${url.search}`,
                method,
                agent,
                headers: fullHeaders
            }, res => readAnswer(res, fail, overflow, answer => {
                if (settle())
                    resolve(answer);
            }));
            req.on('socket', (s) => {
                socket = s;
                watchSocket(s);
                if (!req.reusedSocket)
                    this.connections++;
            });
            // Stays attached after settling: a destroyed request may still report errors.
            req.on('error', fail);
            // Created after the request: Node reports nothing before request() returns, so no path
            // can settle before the timer exists.
            const timer = setTimeout(() => {
                fail(Object.assign(new Error('timeout'), { code: 'TIMEOUT' }));
                req.destroy();
            }, leftMs);
            req.end(body || undefined);
        });
    }
    close() {
        this.closed = true;
        for (const dispose of this.disposers.splice(0))
            dispose();
        this.routes.clear();
    }
}

;// CONCATENATED MODULE: ./src/http/api.ts
// The signed-request layer every service client uses (SWR, IAM): authentication, a run-wide
// deadline, retries of what is transient, and no blind repetition of a write whose answer
// was lost (docs/swr-service.md, "Retries and lost answers").




const INVALID = Symbol('invalid JSON');
function parseJson(text) {
    if (text.trim() === '')
        return undefined;
    try {
        return JSON.parse(text);
    }
    catch {
        return INVALID;
    }
}
class Api {
    options;
    sleep;
    random;
    constructor(options) {
        this.options = options;
        this.sleep = options.sleep ?? sleep;
        this.random = options.random ?? Math.random;
    }
    urlFor(request) {
        const base = this.options.baseUrl;
        const path = `${base.pathname.replace(/\/+$/, '')}${request.path}`;
        const url = new URL(`${base.origin}${path}`);
        // A URL resolves "." and ".." segments: a name that became one would send the request
        // elsewhere (a repository's DELETE to its organization's path). Such a request is not sent.
        if (url.pathname !== (path || '/')) {
            throw new Error(`${request.operation} failed: its path ${JSON.stringify(path)} would be sent as ${JSON.stringify(url.pathname)}, another path; the request was not sent`);
        }
        for (const [key, value] of Object.entries(request.query ?? {})) {
            url.searchParams.append(key, value);
        }
        return url;
    }
    async call(request, options) {
        const { retry, deadline } = this.options;
        const started = Date.now();
        let lostBefore = false;
        for (let attempt = 1;; attempt++) {
            const outcome = await this.attempt(request, options);
            if (!('retryable' in outcome))
                return lostBefore ? { ...outcome, afterLostAttempt: true } : outcome;
            const failure = outcome;
            if (!failure.retryable)
                throw failure.error;
            if (failure.maybeDone &&
                options.readBack &&
                (await this.tookEffect(options.readBack, failure))) {
                this.options.debug(`${request.operation}: the answer was lost, but it took effect`);
                return { ...LOST_ANSWER, lost: true };
            }
            lostBefore ||= failure.maybeDone && options.readBack !== undefined;
            const delay = Math.max(failure.waitAtLeast, backoffDelay(attempt, retry, this.random));
            if (attempt >= retry.maxAttempts || Date.now() + delay >= deadline) {
                const elapsed = Math.round((Date.now() - started) / 100) / 10;
                failure.error.message += ` (gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} in ${elapsed} s)`;
                throw failure.error;
            }
            this.options.debug(`${request.operation}: retrying in ${delay} ms (attempt ${attempt + 1} of ${retry.maxAttempts})`);
            await this.sleep(delay);
        }
    }
    /** Whether a write whose answer was lost took effect; if that cannot be read, the write's own failure stands. */
    async tookEffect(readBack, failure) {
        try {
            return await readBack();
        }
        catch (err) {
            const reason = (0,values/* messageOf */.bD)(err);
            failure.error.message += ` (whether it took effect could not be read: ${reason})`;
            throw failure.error;
        }
    }
    /** Sends the request once: the answer, or why it failed and whether to try again. */
    async attempt(request, options) {
        const { transport, authorize, deadline, debug, stop } = this.options;
        if (stop?.refused)
            return { error: stop.refused, retryable: false, maybeDone: false, waitAtLeast: 0 };
        const url = this.urlFor(request);
        const body = request.body === undefined ? '' : JSON.stringify(request.body);
        const headers = { 'Content-Type': 'application/json;charset=utf-8', ...request.headers };
        const signed = authorize
            ? await authorize({ method: request.method, url, headers, body })
            : headers;
        const line = `${request.method} ${url.pathname}${url.search}`;
        const sentAt = Date.now();
        const remaining = deadline - sentAt;
        if (remaining <= 0) {
            const error = new Error(`${request.operation} failed: the run's time budget is spent`);
            return { error, retryable: false, maybeDone: false, waitAtLeast: 0 };
        }
        let response;
        try {
            // The transport's own timeout, cut to what is left of the run's budget.
            response = await transport.request(request.method, url, signed, body, {
                budgetMs: remaining
            });
        }
        catch (err) {
            if (!(err instanceof TransportError))
                throw err;
            debug(`${line} -> ${err.code} after ${Date.now() - sentAt} ms`);
            const error = new Error(`${request.operation} failed: ${err.message}`, { cause: err });
            return { error, retryable: err.retryable, maybeDone: err.sent, waitAtLeast: 0 };
        }
        debug(`${line} -> ${response.status} in ${Date.now() - sentAt} ms`);
        return this.judge(request, options, response);
    }
    judge(request, options, response) {
        const { policy, baseUrl } = this.options;
        const { status } = response;
        const requestId = (0,errors/* requestIdOf */.Gb)(response);
        if (options.ok.includes(status)) {
            const json = parseJson(response.body);
            // Every read answers with JSON: an empty or cut body (a proxy's page, a dropped
            // connection) is worth asking again. Writes may answer with nothing.
            if (request.method !== 'GET' || (json !== INVALID && json !== undefined)) {
                return { status, response, json: json === INVALID ? undefined : json, error: {}, requestId };
            }
            const message = `the answer is not valid JSON: ${describeBody(response.body)}`;
            const error = new errors/* ApiError */.hD(request.operation, status, { message }, requestId);
            return { error, retryable: true, maybeDone: false, waitAtLeast: 0 };
        }
        const serviceError = (0,errors/* parseServiceError */.zU)(response.body);
        const answer = { status, response, json: undefined, error: serviceError, requestId };
        if (policy.refusesCredentials?.(status, serviceError))
            return this.refused(request, answer);
        const hint = [options.hint?.(answer), policy.hint(status, serviceError, { baseUrl })]
            .filter(Boolean)
            .join(' ');
        const error = new errors/* ApiError */.hD(request.operation, status, serviceError, requestId, hint);
        const transient = policy.isTransient(status, serviceError);
        if (!transient && options.accept?.(answer))
            return { ...answer, asError: error };
        if (!transient)
            return { error, retryable: false, maybeDone: false, waitAtLeast: 0 };
        return {
            error,
            retryable: true,
            maybeDone: !policy.isRefusedUnprocessed(status, serviceError),
            waitAtLeast: parseRetryAfter(response.headers['retry-after']) ?? 0
        };
    }
    /** The run's one refusal: the first; an answer to a request already in flight joins it. */
    refused(request, answer) {
        const { policy, baseUrl, stop } = this.options;
        const { status, error, requestId } = answer;
        const hint = policy.hint(status, error, { baseUrl });
        const refusal = stop?.refused ?? new errors/* CredentialsRefused */.Rl(request.operation, status, error, requestId, hint);
        if (stop)
            stop.refused = refusal;
        return { error: refusal, retryable: false, maybeDone: false, waitAtLeast: 0 };
    }
}
const LOST_ANSWER = {
    status: 0,
    response: { status: 0, headers: {}, body: '' },
    json: undefined,
    error: {},
    requestId: undefined
};
function describeBody(body) {
    const text = body.trim();
    if (!text)
        return 'an empty body';
    return (0,errors/* parseServiceError */.zU)(text).message ?? (0,values/* oneLine */.TN)(text.slice(0, 120));
}

// EXTERNAL MODULE: ./src/resources/prune.ts
var prune = __nccwpck_require__(477);
;// CONCATENATED MODULE: ./src/resources/access-change.ts
function accessChange(resource, name, action, before, after, reason) {
    const plain = (value) => value ? { ...value } : null;
    return { resource, name, action, before: plain(before), after: plain(after), reason };
}
/**
 * Adds to `changes` what on_drift says about entries not listed in `input`: warn keeps them
 * (a warning), update deletes them (a change each), fail plans nothing (a failure).
 */
function unlisted(name, input, what, extra, onDrift, changes) {
    if (extra.length === 0)
        return { changes };
    const listed = extra.map(e => e.label).join(', ');
    const found = `Repository "${name}" ${what} ${listed}, not listed in ${input}`;
    if (onDrift === 'fail')
        return { changes: [], failure: `${found} (on_drift: fail).` };
    if (onDrift === 'warn')
        return { changes, warning: `${found}; left as it is (on_drift: warn).` };
    const reason = (label) => `on_drift: update, and ${label} is not listed in ${input}`;
    const deletes = extra.map(e => accessChange(e.resource, name, 'delete', e.entry, null, reason(e.label)));
    return { changes: [...changes, ...deletes] };
}

// EXTERNAL MODULE: ./src/swr/errors.ts
var swr_errors = __nccwpck_require__(6757);
;// CONCATENATED MODULE: ./src/resources/waiting.ts
// SWR may not show an organization or repository for a moment after its creation: writes that
// follow a create are tried again, waiting longer each time (docs/swr-service.md, "Eventual
// consistency").


/** Runs `attempt` until it is done, waiting between tries while it finds nothing to act on. */
async function untilVisible(waiting, attempt, failure) {
    for (const delay of [...waiting.delays, undefined]) {
        if ((await attempt()) === 'done')
            return;
        if (delay === undefined)
            break;
        await waiting.sleep(delay);
    }
    throw new Error(failure(waiting.delays.length + 1));
}
/**
 * Runs a read-back (did a write whose answer was lost take effect?) again while SWR answers
 * not-found: right after a repository's creation, reads of what hangs off it may not find it
 * yet. It waits as untilVisible does, within the same tries; any other failure stands.
 */
async function throughLag(waiting, read) {
    for (const delay of waiting.delays) {
        try {
            return await read();
        }
        catch (err) {
            if (!(err instanceof errors/* ApiError */.hD && (0,swr_errors/* isSwrNotFound */.aE)(err)))
                throw err;
        }
        await waiting.sleep(delay);
    }
    return read();
}

;// CONCATENATED MODULE: ./src/resources/replication.ts
// Auto-sync rules that copy every pushed image to the same repository name in another region.
// A rule cannot be changed in place: a different `override` replaces it. Rules to targets not
// listed follow on_drift. The target organization must exist in the target region: it is
// planned like the run's own organization, in that region.



const targetKey = (t) => `${t.region}/${t.namespace}`;
/** The target a key names: neither a region nor an organization name holds a "/". */
function targetOfKey(key) {
    const [region, namespace] = key.split('/');
    return { region, namespace };
}
function ruleFor(target, override) {
    return { region: target.region, namespace: target.namespace, syncAuto: true, override };
}
/** `current` is undefined for a repository this run creates, which has no rule yet. */
function diffReplication(name, targets, current, override, onDrift) {
    const changes = [];
    for (const target of targets) {
        const after = ruleFor(target, override);
        const found = current?.find(r => targetKey(r) === targetKey(target));
        if (!found) {
            const reason = `no auto-sync to ${targetKey(target)}`;
            changes.push(accessChange('replication', name, 'create', null, after, reason));
        }
        else if (found.override !== override || !found.syncAuto) {
            const reason = `the auto-sync to ${targetKey(target)} has override ${found.override} and syncAuto ${found.syncAuto}, wanted override ${override} and syncAuto true`;
            changes.push(accessChange('replication', name, 'replace', found, after, reason));
        }
    }
    const extra = (current ?? [])
        .filter(r => !targets.some(t => targetKey(t) === targetKey(r)))
        .map(entry => ({ entry, label: targetKey(entry), resource: 'replication' }));
    return unlisted(name, 'replicate_to', 'has auto-sync to', extra, onDrift, changes);
}
/** Creates the rule, waiting while SWR does not show the repository or target organization yet. */
function createRule(client, namespace, repository, rule, waiting) {
    return untilVisible(waiting, async () => (await client.createSyncRule(namespace, repository, rule, read => throughLag(waiting, read))) === 'created'
        ? 'done'
        : 'absent', tries => `create the auto-sync of "${namespace}/${repository}" to ${targetKey(rule)} failed: the repository or the target organization still reads as missing (${tries} tries)`);
}
async function applyReplication(client, namespace, repository, change, waiting) {
    const before = change.before;
    const after = change.after;
    if (before)
        await client.deleteSyncRule(namespace, repository, before);
    if (!after)
        return;
    try {
        await createRule(client, namespace, repository, after, waiting);
    }
    catch (err) {
        if (!before)
            throw err;
        // Say what the half-done replacement left behind: no rule to that target.
        const reason = (0,values/* messageOf */.bD)(err);
        throw new Error(`${reason} (the previous rule to ${targetKey(before)} was deleted first, so images are no longer copied there)`, { cause: err });
    }
}

;// CONCATENATED MODULE: ./src/resources/organization.ts
/** Any repository found proves the organization; SWR's organization-not-found code disproves it. */
function organizationFromReads(reads) {
    if (reads.some(read => read?.state === 'exists'))
        return 'exists';
    if (reads.some(read => read?.state === 'absent' && read.organizationMissing))
        return 'missing';
    return 'unknown';
}
function createOrganizationChange(namespace) {
    return {
        resource: 'organization',
        name: namespace,
        action: 'create',
        before: null,
        after: { namespace },
        reason: 'the organization does not exist, and a repository is to be created in it'
    };
}
/** The organization's change: a create, only when it is missing and something goes in it. */
function diffOrganization(namespace, state, needed) {
    return state === 'missing' && needed ? createOrganizationChange(namespace) : undefined;
}
/** The remedy differs for a replication target: its organization is named in replicate_to. */
function foreignTarget(namespace, region) {
    return `Organization "${namespace}" in ${region} belongs to another account (organization names are unique per region across all accounts): name another one for that target, replicate_to: ${region}/another-name.`;
}
class ForeignOrganizationError extends Error {
    name = 'ForeignOrganizationError';
    constructor(namespace) {
        super(`Organization "${namespace}" exists but this account cannot see it: organization names are unique per region across all accounts, so another account owns it. Choose another namespace.`);
    }
}
/**
 * Creates the organization. A 409 that reads back as present was someone else's create (the
 * same workflow racing): fine. One that reads back as missing belongs to another account.
 */
async function applyOrganization(client, namespace) {
    if ((await client.createOrganization(namespace)) === 'created')
        return 'created';
    if ((await client.readOrganization(namespace)) === 'exists')
        return 'found done';
    throw new ForeignOrganizationError(namespace);
}

// EXTERNAL MODULE: ./src/swr/permission-client.ts
var permission_client = __nccwpck_require__(3689);
;// CONCATENATED MODULE: ./src/resources/permissions.ts




/** SWR's auth as a level's name; another value is shown as it is. */
function levelOf(auth) {
    const found = Object.keys(permission_client/* LEVELS */.A_).find(level => permission_client/* LEVELS */.A_[level] === auth);
    return found ?? `auth ${auth}`;
}
/** The grants read, the caller's own entry marked; none for what does not exist (yet). */
async function readGrantEntries(client, scope) {
    const read = await client.readGrants(scope);
    if (read === 'missing')
        return [];
    return entriesOf(read);
}
function entriesOf(read) {
    return [...(read.self ? [{ ...read.self, self: true }] : []), ...read.others];
}
/** Each grant with its user's id: given, or found at IAM once per name; a failure stays with its grant. */
async function resolveGrants(grants, directory) {
    if (!grants)
        return undefined;
    return Promise.all(grants.map(async (grant) => {
        if (grant.id !== undefined || !directory)
            return grant;
        try {
            return { ...grant, id: (await directory.lookUp(grant.user)).id };
        }
        catch (err) {
            if (err instanceof errors/* CredentialsRefused */.Rl)
                throw err;
            return { ...grant, lookupError: (0,values/* messageOf */.bD)(err) };
        }
    }));
}
/** Both inputs' grants resolved, as the plan needs them. */
async function resolveWanted(wanted, directory) {
    const [organizationPermissions, repositoryPermissions] = await Promise.all([
        resolveGrants(wanted.organizationPermissions, directory),
        resolveGrants(wanted.repositoryPermissions, directory)
    ]);
    return {
        ...wanted,
        ...(organizationPermissions ? { organizationPermissions } : {}),
        ...(repositoryPermissions ? { repositoryPermissions } : {})
    };
}
function change(resource, name, action, before, after, reason) {
    return {
        resource,
        name,
        action,
        before: before ? { ...before } : null,
        after: after ? { ...after } : null,
        reason
    };
}
/** The entry a wanted grant is about: by id when known (a renamed user is the same), else by exact name. */
function entryFor(grant, current) {
    if (grant.id !== undefined)
        return current.find(e => (0,permission_client/* sameId */.s)(e.id, grant.id));
    return current.find(e => e.user === grant.user);
}
const stateOf = (entry) => ({
    user: entry.user,
    user_id: entry.id,
    level: levelOf(entry.auth)
});
/**
 * `current` is undefined for what this run creates, which has no grants yet. `input` names
 * the input the grants come from, `subject` what they are on ('Organization "group"').
 */
function diffGrants(resource, name, subject, input, wanted, current, onDrift) {
    const entries = current ?? [];
    const changes = [];
    const warnings = [];
    const matched = new Set();
    for (const grant of wanted) {
        const entry = entryFor(grant, entries);
        if (entry)
            matched.add(entry);
        if (entry?.self) {
            if (levelOf(entry.auth) !== grant.level) {
                warnings.push(`${subject}: "${grant.user}" is the caller's own entry (${levelOf(entry.auth)}), which the action never changes; its line in ${input} is left as it is.`);
            }
            continue;
        }
        const after = {
            user: grant.user,
            user_id: entry?.id ?? grant.id ?? null,
            level: grant.level
        };
        if (!entry) {
            const created = change(resource, name, 'create', null, after, `"${grant.user}" has no permission here, wanted ${grant.level}`);
            // Without an id nothing can be granted: the grant fails, the rest go on.
            if (grant.id === undefined)
                created.blocked = grant.lookupError ?? `no id is known for IAM user "${grant.user}"`;
            changes.push(created);
        }
        else if (levelOf(entry.auth) !== grant.level) {
            const reason = `"${grant.user}" has ${levelOf(entry.auth)}, wanted ${grant.level}`;
            changes.push(change(resource, name, 'update', stateOf(entry), after, reason));
        }
    }
    const extra = entries.filter(e => !e.self && !matched.has(e));
    const warning = (text) => [...warnings, ...(text ? [text] : [])].join(' ') || undefined;
    if (extra.length === 0)
        return { changes, ...(warning() ? { warning: warning() } : {}) };
    const listed = extra.map(e => (0,values/* quoted */.TL)(e.user, 64)).join(', ');
    const found = `${subject} grants ${listed} permissions, not listed in ${input}`;
    if (onDrift === 'fail')
        return { changes: [], failure: `${found} (on_drift: fail).` };
    if (onDrift === 'warn') {
        return { changes, warning: warning(`${found}; left as they are (on_drift: warn).`) };
    }
    const deletes = extra.map(e => change(resource, name, 'delete', stateOf(e), null, `on_drift: update, and ${(0,values/* quoted */.TL)(e.user, 64)} is not listed in ${input}`));
    return { changes: [...changes, ...deletes], ...(warning() ? { warning: warning() } : {}) };
}
const grantOf = (state) => ({
    id: state.user_id,
    user: state.user,
    auth: permission_client/* LEVELS */.A_[state.level]
});
/**
 * Applies one change. 'found done' when a create found the grant made already at the level
 * wanted by another run; one made by this run's attempt whose answer was lost is 'done'.
 */
async function applyGrant(client, scope, change, waiting) {
    if (change.blocked)
        throw new Error(change.blocked);
    if (change.action === 'delete') {
        await client.deleteGrant(scope, grantOf(change.before));
        return 'done';
    }
    const grant = grantOf(change.after);
    if (change.action === 'update') {
        await client.updateGrant(scope, grant);
        return 'done';
    }
    const where = scope.repository === undefined ? scope.namespace : `${scope.namespace}/${scope.repository}`;
    let outcome = 'absent';
    await untilVisible(waiting, async () => {
        outcome = await client.createGrant(scope, grant);
        return outcome === 'absent' ? 'absent' : 'done';
    }, tries => `grant IAM user "${grant.user}" on "${where}" failed: "${where}" still reads as missing (${tries} tries)`);
    if (outcome === 'created')
        return 'done';
    // A 409 after this run's own lost attempt: that attempt made the grant, this run's change.
    return converge(client, scope, grant, waiting, where, outcome === 'exists, ours');
}
/**
 * SWR answered 409: the user has a grant already. It is read back (waiting while SWR does not
 * show it yet), and its level changed when it is not the one wanted, unless it is the caller's
 * own entry.
 */
async function converge(client, scope, grant, waiting, where, ours) {
    let found;
    await untilVisible(waiting, async () => {
        found = (await readGrantEntries(client, scope)).find(e => (0,permission_client/* sameId */.s)(e.id, grant.id));
        return found ? 'done' : 'absent';
    }, tries => `grant IAM user "${grant.user}" on "${where}" failed: SWR answered 409 (the permission exists), but ${tries} reads of its permissions do not show that user`);
    // The caller's own entry: on what this run created nothing was read, so a line naming the
    // caller was planned as a create; SWR has it already (the creator's), and it is never changed.
    if (found?.self)
        return 'found done';
    if (found?.auth === grant.auth)
        return ours ? 'done' : 'found done';
    await client.updateGrant(scope, grant);
    return 'done';
}

// EXTERNAL MODULE: ./src/swr/names.ts
var names = __nccwpck_require__(5604);
;// CONCATENATED MODULE: ./src/swr/client.ts
// The SWR standard edition's management API (docs/swr-service.md, "Calls"), as the operations
// the resources need. Each turns SWR's answers into plain outcomes; what to do about them is
// the resources' business.



/** The most items a page of the repository list may hold (the API's maximum limit). */
const LIST_PAGE = 1000;
const readOnce = read => read();
const ns = names/* namespacePath */.B3;
function repoPath(namespace, repository) {
    return `${ns(namespace)}/repos/${(0,names/* repositoryPathSegment */.bQ)(repository)}`;
}
/** A repository's record, under the name it was asked by (checked to be the one it names). */
function repositoryInfo(json, repository) {
    return {
        name: repository,
        category: String(json['category'] ?? ''),
        description: String(json['description'] ?? ''),
        is_public: json['is_public'] === true,
        ...(typeof json['path'] === 'string' && json['path'] ? { path: json['path'] } : {}),
        ...(Number.isSafeInteger(json['num_images']) && json['num_images'] >= 0
            ? { images: json['num_images'] }
            : {})
    };
}
/**
 * What the user can do about a delete SWR refused: a 403 is the IAM permission (unless the
 * credentials themselves were refused, which stops the run), a 406 or 409 a state of the
 * repository that the service names (docs/swr-service.md, "Deleting a repository").
 */
function deleteHint(answer) {
    const permission = (0,swr_errors/* permissionHint */.fm)('swr:repo:deleteRepo')(answer);
    if (permission)
        return permission;
    if (answer.status === 406 && answer.error.code === swr_errors/* CODES */.Lp.repositoryHasImages) {
        return 'This SWR refuses to delete a repository that still holds images: delete its images (in the SWR console, or with DELETE .../repos/{repository}/tags/{tag}), then run again; the other repositories were handled';
    }
    if ([400, 406, 409, 412, 423].includes(answer.status)) {
        return 'SWR says the repository cannot be deleted now: do what its message says (or delete it in the SWR console), then run again; the other repositories were handled';
    }
    return undefined;
}
/** The total of a repository list: Content-Range "{offset}-{count}/{total}", else the items'. */
function totalOf(range, page) {
    const text = Array.isArray(range) ? range[0] : range;
    const fromHeader = /\/(\d+)\s*$/.exec(text ?? '')?.[1];
    if (fromHeader !== undefined)
        return Number(fromHeader);
    const fromItem = page[0]?.['total_range'];
    return typeof fromItem === 'number' ? fromItem : page.length;
}
function sameRules(a, b) {
    const norm = (rules) => JSON.stringify(rules.map(rule => ({
        template: rule.template,
        params: Object.entries(rule.params ?? {})
            .map(([k, v]) => [k, String(v)])
            .sort(),
        selectors: (rule.tag_selectors ?? []).map(s => `${s.kind}:${s.pattern}`).sort()
    })));
    return norm(a) === norm(b);
}

class SwrClient {
    api;
    constructor(api) {
        this.api = api;
    }
    /** 'missing' covers another account's organization that answers 404 (SWR cannot tell). */
    async readOrganization(namespace) {
        const answer = await this.api.call({ operation: `read organization "${namespace}"`, method: 'GET', path: ns(namespace) }, { ok: [200], accept: swr_errors/* isSwrNotFound */.aE, hint: (0,swr_errors/* permissionHint */.fm)('swr:namespace:getNamespace') });
        if (answer.status !== 200)
            return 'missing';
        const other = (0,values/* isObject */.Gv)(answer.json) && (0,names/* answeredOther */.WE)(answer.json, { name: namespace });
        if (other)
            throw new Error(`read organization "${namespace}" failed: ${other}`);
        return 'exists';
    }
    async createOrganization(namespace) {
        const answer = await this.api.call({
            operation: `create organization "${namespace}"`,
            method: 'POST',
            path: '/v2/manage/namespaces',
            body: { namespace }
        }, {
            ok: [200, 201, 202],
            accept: a => a.status === 409 && a.error.code !== swr_errors/* CODES */.Lp.busy,
            readBack: async () => (await this.readOrganization(namespace)) === 'exists',
            hint: (0,swr_errors/* permissionHint */.fm)('swr:namespace:createNamespace')
        });
        // A 409 right after an attempt whose answer was lost answers that attempt: ours.
        return answer.status === 409 && !answer.afterLostAttempt ? 'exists' : 'created';
    }
    async readRepository(namespace, repository) {
        const operation = `read repository "${namespace}/${repository}"`;
        const answer = await this.api.call({ operation, method: 'GET', path: repoPath(namespace, repository) }, { ok: [200], accept: swr_errors/* isSwrNotFound */.aE, hint: (0,swr_errors/* permissionHint */.fm)('swr:repo:getRepo') });
        if (answer.status !== 200) {
            return { state: 'absent', organizationMissing: (0,swr_errors/* isOrganizationNotFound */.hM)(answer) };
        }
        const json = answer.json;
        if (!(0,values/* isObject */.Gv)(json) || typeof json['is_public'] !== 'boolean') {
            throw new Error(`${operation} failed: the answer is not a repository (no is_public field)`);
        }
        const other = (0,names/* answeredOther */.WE)(json, { namespace, name: repository });
        if (other)
            throw new Error(`${operation} failed: ${other}`);
        const info = repositoryInfo(json, repository);
        return { state: 'exists', info };
    }
    /**
     * One page of the organization's repositories, read through the list API
     * (docs/swr-service.md, "Listing repositories"): it matches fuzzily, so only exact matches
     * are kept. `total` is what the whole list holds (look-alike organizations' repositories
     * included), never less than what this page shows. Resolves undefined when the list is
     * refused (it needs its own IAM permission) or is not a list.
     */
    async listRepositoryPage(namespace, offset) {
        const answer = await this.api.call({
            operation: `list the repositories of "${namespace}"`,
            method: 'GET',
            path: '/v2/manage/repos',
            query: { namespace, limit: String(LIST_PAGE), offset: String(offset) }
        }, { ok: [200], accept: a => a.status === 403 });
        if (answer.status !== 200 || !Array.isArray(answer.json))
            return undefined;
        const page = answer.json.filter(values/* isObject */.Gv);
        const total = Math.max(totalOf(answer.response.headers['content-range'], page), offset + page.length);
        const dropped = [];
        const infos = page
            // The list matches fuzzily: an item counts only when it names this organization exactly,
            // and under its name in the inputs' form, so that the reads find it by that name.
            .filter(item => typeof item['namespace'] === 'string' &&
            (0,names/* sameName */.q)(item['namespace'], namespace) &&
            typeof item['name'] === 'string' &&
            typeof item['is_public'] === 'boolean')
            // A name that breaks the name rule is no repository to match or delete: dropped, and
            // said (case is kept: a name is compared exactly, never folded onto another).
            .flatMap(item => {
            const name = (0,names/* listedRepositoryName */.ZZ)(String(item['name']));
            if (name === undefined)
                dropped.push(String(item['name']));
            return name === undefined ? [] : [repositoryInfo(item, name)];
        });
        return { infos, total, dropped };
    }
    async createRepository(namespace, repository, settings) {
        const refusal = (a) => [400, 403, 404].includes(a.status);
        const answer = await this.api.call({
            operation: `create repository "${namespace}/${repository}"`,
            method: 'POST',
            path: `${ns(namespace)}/repos`,
            body: { repository, ...settings }
        }, {
            ok: [200, 201, 202],
            accept: a => (a.status === 409 && a.error.code !== swr_errors/* CODES */.Lp.busy) || refusal(a),
            readBack: async () => (await this.readRepository(namespace, repository)).state === 'exists',
            hint: (0,swr_errors/* permissionHint */.fm)('swr:repo:createRepo')
        });
        if (answer.lost)
            return { outcome: 'created', lost: true };
        if (answer.status === 409) {
            // Right after an attempt whose answer was lost, the 409 most likely answers that attempt.
            return answer.afterLostAttempt ? { outcome: 'created', lost: true } : { outcome: 'exists' };
        }
        if (answer.asError) {
            const organizationMissing = (0,swr_errors/* isOrganizationNotFound */.hM)(answer);
            return { outcome: 'refused', organizationMissing, error: answer.asError };
        }
        return { outcome: 'created', lost: false };
    }
    async updateRepository(namespace, repository, settings) {
        await this.api.call({
            operation: `update repository "${namespace}/${repository}"`,
            method: 'PATCH',
            path: repoPath(namespace, repository),
            body: settings
        }, { ok: [200, 201, 204], hint: (0,swr_errors/* permissionHint */.fm)('swr:repo:updateRepo') });
    }
    /**
     * Deletes the repository with its images. 'absent' when SWR answers it does not exist
     * (another run deleted it first); `lost` when the answer was lost and a read showed it gone.
     */
    async deleteRepository(namespace, repository) {
        const answer = await this.api.call({
            operation: `delete repository "${namespace}/${repository}"`,
            method: 'DELETE',
            path: repoPath(namespace, repository)
        }, {
            ok: [200, 202, 204],
            accept: swr_errors/* isSwrNotFound */.aE,
            readBack: async () => (await this.readRepository(namespace, repository)).state === 'absent',
            hint: deleteHint
        });
        if (answer.lost)
            return { outcome: 'deleted', lost: true };
        // After an attempt whose answer was lost, a 404 most likely answers that attempt: ours.
        if (answer.status === 404) {
            return answer.afterLostAttempt
                ? { outcome: 'deleted', lost: true }
                : { outcome: 'absent', lost: false };
        }
        return { outcome: 'deleted', lost: false };
    }
    async listRetentions(namespace, repository) {
        const operation = `read retention policies of "${namespace}/${repository}"`;
        const { json } = await this.api.call({ operation, method: 'GET', path: `${repoPath(namespace, repository)}/retentions` }, { ok: [200] });
        if (!Array.isArray(json))
            throw new Error(`${operation} failed: the answer is not a list`);
        return json.filter(values/* isObject */.Gv).map(policy => ({
            id: Number(policy['id']),
            rules: Array.isArray(policy['rules']) ? policy['rules'] : []
        }));
    }
    /** Resolves 'absent' when the repository does not show yet (right after its creation). */
    async createRetention(namespace, repository, rules, readBack = readOnce) {
        const answer = await this.api.call({
            operation: `create retention policy of "${namespace}/${repository}"`,
            method: 'POST',
            path: `${repoPath(namespace, repository)}/retentions`,
            body: { algorithm: 'or', rules }
        }, {
            ok: [200, 201],
            accept: swr_errors/* isSwrNotFound */.aE,
            readBack: async () => (await readBack(() => this.listRetentions(namespace, repository))).some(p => sameRules(p.rules, rules))
        });
        return answer.status === 404 ? 'absent' : 'created';
    }
    async updateRetention(namespace, repository, id, rules) {
        await this.api.call({
            operation: `update retention policy ${id} of "${namespace}/${repository}"`,
            method: 'PATCH',
            path: `${repoPath(namespace, repository)}/retentions/${id}`,
            body: { algorithm: 'or', rules }
        }, { ok: [200, 201, 204] });
    }
    /** A policy that is already gone counts as deleted. */
    async deleteRetention(namespace, repository, id) {
        await this.api.call({
            operation: `delete retention policy ${id} of "${namespace}/${repository}"`,
            method: 'DELETE',
            path: `${repoPath(namespace, repository)}/retentions/${id}`
        }, {
            ok: [200, 204],
            accept: a => (0,swr_errors/* isSwrNotFound */.aE)(a) || (a.status === 400 && a.error.code === swr_errors/* CODES */.Lp.retentionNotFound)
        });
    }
    /**
     * The temporary docker login the service issues for the caller's credentials, with its
     * X-Swr-Expireat header as sent (unchecked; undefined when absent).
     */
    async temporaryLogin(region) {
        const operation = 'get a temporary docker login';
        const { json, response } = await this.api.call({
            operation,
            method: 'POST',
            path: '/v2/manage/utils/secret',
            query: { projectname: region }
        }, { ok: [200, 201] });
        const auths = (0,values/* isObject */.Gv)(json) && (0,values/* isObject */.Gv)(json['auths']) ? json['auths'] : undefined;
        const [registry, entry] = Object.entries(auths ?? {})[0] ?? [];
        const auth = (0,values/* isObject */.Gv)(entry) && typeof entry['auth'] === 'string' ? entry['auth'] : undefined;
        const decoded = auth ? Buffer.from(auth, 'base64').toString('utf8') : '';
        const colon = decoded.indexOf(':');
        if (!registry || colon < 1)
            throw new Error(`${operation} failed: the answer has no auths entry`);
        const header = response.headers['x-swr-expireat'];
        const expiresAt = Array.isArray(header) ? header[0] : header;
        return {
            registry,
            username: decoded.slice(0, colon),
            password: decoded.slice(colon + 1),
            ...(expiresAt !== undefined ? { expiresAt } : {})
        };
    }
}

;// CONCATENATED MODULE: ./src/resources/retention.ts
// A repository's retention policy: SWR allows one per repository, and a rule's template cannot
// change in place, so a new kind of rule replaces the policy (delete, then create).



function retentionRules(spec) {
    const rule = spec.keepLast !== undefined
        ? { template: 'tag_rule', params: { num: String(spec.keepLast) }, tag_selectors: [] }
        : { template: 'date_rule', params: { days: String(spec.keepDays) }, tag_selectors: [] };
    rule.tag_selectors = spec.exceptions.map(e => ({ kind: e.kind, pattern: e.pattern }));
    return [rule];
}
/**
 * The policy the action manages when a repository holds several (the service may keep a second
 * one): found by what the action writes, not by its position, which a replacement changes. The
 * policy with exactly the wanted rules; else the first whose one rule has the wanted template
 * (changed in place); else the first (replaced). The others are never changed.
 */
function managedPolicy(policies, rules) {
    const template = rules[0]?.template;
    return (policies.find(p => sameRules(p.rules, rules)) ??
        policies.find(p => p.rules.length === 1 && p.rules[0]?.template === template) ??
        policies[0]);
}
/**
 * The retention change of one repository. `policies` is undefined for a repository this run
 * creates, which has none to read.
 */
function diffRetention(name, spec, policies) {
    const rules = retentionRules(spec);
    const after = { rules };
    const current = policies && managedPolicy(policies, rules);
    const others = (policies ?? []).filter(p => p !== current).map(p => p.id);
    const warning = others.length > 0
        ? `Repository "${name}" has ${others.length + 1} retention policies; the action manages policy ${current?.id} and leaves ${others.length === 1 ? `policy ${others[0]} as it is` : `policies ${others.join(', ')} as they are`}.`
        : undefined;
    const change = (action, reason) => ({
        change: {
            resource: 'retention',
            name,
            action,
            before: current ? { id: current.id, rules: current.rules } : null,
            after,
            reason
        },
        ...(warning ? { warning } : {})
    });
    if (!current) {
        return change('create', policies ? 'the repository has no retention policy' : 'the repository is new');
    }
    if (sameRules(current.rules, rules))
        return warning ? { warning } : {};
    if (current.rules.length === 1 && current.rules[0]?.template === rules[0]?.template) {
        return change('update', 'the policy differs from the inputs');
    }
    return change('replace', `the policy's rule is ${current.rules.map(r => r.template).join(', ')}, wanted ${rules[0]?.template}: SWR cannot change a rule's template in place`);
}
/** Creates the policy, waiting while SWR does not show the repository created a moment ago. */
function createPolicy(client, namespace, repository, rules, waiting) {
    return untilVisible(waiting, async () => (await client.createRetention(namespace, repository, rules, read => throughLag(waiting, read))) === 'created'
        ? 'done'
        : 'absent', tries => `create retention policy of "${namespace}/${repository}" failed: the repository still reads as missing (${tries} tries)`);
}
async function applyRetention(client, namespace, repository, change, waiting) {
    const rules = change.after.rules;
    const id = change.before?.id;
    if (change.action === 'update' && id !== undefined) {
        await client.updateRetention(namespace, repository, id, rules);
        return;
    }
    if (change.action !== 'replace' || id === undefined) {
        await createPolicy(client, namespace, repository, rules, waiting);
        return;
    }
    await client.deleteRetention(namespace, repository, id);
    try {
        await createPolicy(client, namespace, repository, rules, waiting);
    }
    catch (err) {
        // Say what the half-done replacement left behind: no policy at all.
        const reason = (0,values/* messageOf */.bD)(err);
        throw new Error(`${reason} (policy ${id} was deleted first, so the repository now has no retention policy)`, { cause: err });
    }
}

;// CONCATENATED MODULE: ./src/swr/access-client.ts
// Who may pull a repository besides its owner, and where its images are copied: SWR's sharing
// with other accounts and its auto-sync rules to other regions (docs/swr-service.md,
// "Sharing and auto-sync"). Both are called in the repository's own region.




/** A rule's target organization that does not show (yet): SWR's invalid-organization codes. */
const TARGET_MISSING = ['SVCSTG.SWR.4001008', 'SVCSTG.SWR.4001028'];
const sharingPath = (namespace, repository) => `${(0,names/* namespacePath */.B3)(namespace)}/repositories/${(0,names/* repositoryPathSegment */.bQ)(repository)}/access-domains`;
const syncPath = (namespace, repository) => `${(0,names/* namespacePath */.B3)(namespace)}/repos/${(0,names/* repositoryPathSegment */.bQ)(repository)}/sync_repo`;
/** Account names are compared without regard to case: no source says SWR keeps their case. */
const accountKey = (account) => account.toLowerCase();
const sameAccount = (a, b) => accountKey(a) === accountKey(b);
/** A list answer: a bare array, or an object holding one (the docs show both styles). */
function listIn(json, keys) {
    if (Array.isArray(json))
        return json;
    if (!(0,values/* isObject */.Gv)(json))
        return undefined;
    const key = keys.find(k => Array.isArray(json[k]));
    return key ? json[key] : undefined;
}
class SwrAccessClient {
    api;
    constructor(api) {
        this.api = api;
    }
    async listSharing(namespace, repository) {
        const operation = `read the sharing of "${namespace}/${repository}"`;
        const { json } = await this.api.call({ operation, method: 'GET', path: sharingPath(namespace, repository) }, {
            ok: [200],
            hint: (0,swr_errors/* permissionHint */.fm)('to read sharing (SWR FullAccess or ReadOnlyAccess has it)')
        });
        const list = listIn(json, ['access_domains', 'domains']);
        if (!list)
            throw new Error(`${operation} failed: the answer is not a list`);
        return list.filter(values/* isObject */.Gv).map(item => ({
            account: String(item['access_domain'] ?? ''),
            deadline: String(item['deadline'] ?? 'forever')
        }));
    }
    /**
     * Resolves 'absent' when the repository does not show yet (right after its creation), and
     * 'exists' when SWR answers 409: the account has access already (evidence §6), on terms
     * that are for the caller to read back; 'exists, ours' when that 409 follows this run's own
     * attempt whose answer was lost (most likely that attempt shared it).
     */
    async createSharing(namespace, repository, sharing, readBack = readOnce) {
        const answer = await this.api.call({
            operation: `share "${namespace}/${repository}" with account "${sharing.account}"`,
            method: 'POST',
            path: sharingPath(namespace, repository),
            body: {
                access_domain: sharing.account,
                permit: 'read',
                deadline: sharing.deadline,
                description: ''
            }
        }, {
            ok: [200, 201],
            // Already shared with that account (a lost answer, or another run): read back.
            accept: a => a.status === 409 || (0,swr_errors/* isSwrNotFound */.aE)(a),
            readBack: async () => (await readBack(() => this.listSharing(namespace, repository))).some(s => sameAccount(s.account, sharing.account)),
            hint: (0,swr_errors/* permissionHint */.fm)('to share repositories (SWR FullAccess has it)')
        });
        if (answer.status === 409)
            return answer.afterLostAttempt ? 'exists, ours' : 'exists';
        return (0,swr_errors/* isSwrNotFound */.aE)(answer) ? 'absent' : 'created';
    }
    async updateSharing(namespace, repository, sharing) {
        await this.api.call({
            operation: `change the sharing of "${namespace}/${repository}" with account "${sharing.account}"`,
            method: 'PATCH',
            path: `${sharingPath(namespace, repository)}/${encodeURIComponent(sharing.account)}`,
            body: { permit: 'read', deadline: sharing.deadline, description: '' }
        }, { ok: [200, 201, 204], hint: (0,swr_errors/* permissionHint */.fm)('to change sharing (SWR FullAccess has it)') });
    }
    /** Sharing that is already gone counts as stopped. */
    async deleteSharing(namespace, repository, account) {
        await this.api.call({
            operation: `stop sharing "${namespace}/${repository}" with account "${account}"`,
            method: 'DELETE',
            path: `${sharingPath(namespace, repository)}/${encodeURIComponent(account)}`
        }, {
            ok: [200, 204],
            accept: a => (0,swr_errors/* isSwrNotFound */.aE)(a) || (a.status === 400 && a.error.code === swr_errors/* CODES */.Lp.sharingNotFound),
            hint: (0,swr_errors/* permissionHint */.fm)('to stop sharing (SWR FullAccess has it)')
        });
    }
    async listSyncRules(namespace, repository) {
        const operation = `read the auto-sync rules of "${namespace}/${repository}"`;
        const { json } = await this.api.call({ operation, method: 'GET', path: syncPath(namespace, repository) }, {
            ok: [200],
            hint: (0,swr_errors/* permissionHint */.fm)('to read auto-sync rules (SWR FullAccess or ReadOnlyAccess has it)')
        });
        const list = listIn(json, ['sync_repos', 'rules']);
        if (!list)
            throw new Error(`${operation} failed: the answer is not a list`);
        return list.filter(values/* isObject */.Gv).map(item => ({
            region: String(item['remoteRegionId'] ?? ''),
            namespace: String(item['remoteNamespace'] ?? ''),
            // The SDK's model spells it synAuto, a documented example syncAuto; a rule that says
            // neither is taken as automatic rather than replaced on every run.
            syncAuto: (item['syncAuto'] ?? item['synAuto']) !== false,
            override: item['override'] === true
        }));
    }
    /**
     * Resolves 'absent' when the repository, or the target organization, does not show yet
     * (right after its creation). A rule to the same target that exists already (a lost answer,
     * another run) counts as created: a different `override` is seen on the next read.
     */
    async createSyncRule(namespace, repository, rule, readBack = readOnce) {
        const same = (r) => r.region === rule.region && r.namespace === rule.namespace;
        const absent = (a) => (0,swr_errors/* isSwrNotFound */.aE)(a) || (a.status === 400 && TARGET_MISSING.includes(a.error.code ?? ''));
        const answer = await this.api.call({
            operation: `create the auto-sync of "${namespace}/${repository}" to ${rule.region}/${rule.namespace}`,
            method: 'POST',
            path: syncPath(namespace, repository),
            body: {
                remoteRegionId: rule.region,
                remoteNamespace: rule.namespace,
                syncAuto: rule.syncAuto,
                override: rule.override
            }
        }, {
            ok: [200, 201],
            accept: a => a.status === 409 || absent(a),
            readBack: async () => (await readBack(() => this.listSyncRules(namespace, repository))).some(same),
            hint: (0,swr_errors/* permissionHint */.fm)('to create auto-sync rules (SWR FullAccess has it)')
        });
        return answer.status !== 409 && absent(answer) ? 'absent' : 'created';
    }
    /** A rule that is already gone counts as deleted. */
    async deleteSyncRule(namespace, repository, rule) {
        await this.api.call({
            operation: `delete the auto-sync of "${namespace}/${repository}" to ${rule.region}/${rule.namespace}`,
            method: 'DELETE',
            path: syncPath(namespace, repository),
            body: { remoteRegionId: rule.region, remoteNamespace: rule.namespace }
        }, {
            ok: [200, 204],
            // The Terraform provider reads 400 4001158 as "gone" (evidence §5), as a 404.
            accept: a => (0,swr_errors/* isSwrNotFound */.aE)(a) || (a.status === 400 && a.error.code === swr_errors/* CODES */.Lp.syncRuleNotFound),
            hint: (0,swr_errors/* permissionHint */.fm)('to delete auto-sync rules (SWR FullAccess has it)')
        });
    }
}

;// CONCATENATED MODULE: ./src/resources/sharing.ts



/** SWR's deadline for a sharing: "forever", or UTC midnight of the date given. */
function deadlineOf(wanted) {
    return wanted.until ? `${wanted.until}T00:00:00Z` : 'forever';
}
function sameDeadline(a, b) {
    if (a === 'forever' || b === 'forever')
        return a === b;
    return Date.parse(a) === Date.parse(b);
}
/** `current` is undefined for a repository this run creates, which shares with nobody yet. */
function diffSharing(name, wanted, current, onDrift) {
    const changes = [];
    for (const w of wanted) {
        const after = { account: w.account, deadline: deadlineOf(w) };
        const found = current?.find(s => sameAccount(s.account, w.account));
        if (!found) {
            const reason = `the repository is not shared with "${w.account}"`;
            changes.push(accessChange('sharing', name, 'create', null, after, reason));
        }
        else if (!sameDeadline(found.deadline, after.deadline)) {
            const reason = `the sharing with "${w.account}" ends ${found.deadline}, wanted ${after.deadline}`;
            changes.push(accessChange('sharing', name, 'update', found, after, reason));
        }
    }
    const extra = (current ?? [])
        .filter(s => !wanted.some(w => sameAccount(w.account, s.account)))
        .map(entry => ({ entry, label: `"${entry.account}"`, resource: 'sharing' }));
    return unlisted(name, 'share_with', 'is shared with', extra, onDrift, changes);
}
/**
 * Applies one change. 'found done' when a create met sharing made already, on the terms wanted,
 * by another run; sharing made by this run's attempt whose answer was lost is 'done'.
 */
async function applySharing(client, namespace, repository, change, waiting) {
    if (change.action === 'delete') {
        await client.deleteSharing(namespace, repository, change.before.account);
    }
    else if (change.action === 'update') {
        await client.updateSharing(namespace, repository, change.after);
    }
    else {
        const sharing = change.after;
        let outcome = 'absent';
        await untilVisible(waiting, async () => {
            outcome = await client.createSharing(namespace, repository, sharing, read => throughLag(waiting, read));
            return outcome === 'absent' ? 'absent' : 'done';
        }, tries => `share "${namespace}/${repository}" with account "${sharing.account}" failed: the repository still reads as missing (${tries} tries)`);
        if (outcome !== 'created') {
            const converged = await sharing_converge(client, namespace, repository, sharing);
            // A 409 after this run's own lost attempt: that attempt shared it, this run's change.
            return outcome === 'exists, ours' ? 'done' : converged;
        }
    }
    return 'done';
}
/**
 * SWR answered 409: the account has access already (another run shared it since the read).
 * Its terms are read back, and its deadline changed when it is not the one wanted.
 */
async function sharing_converge(client, namespace, repository, sharing) {
    const found = (await client.listSharing(namespace, repository)).find(s => sameAccount(s.account, sharing.account));
    if (!found) {
        throw new Error(`share "${namespace}/${repository}" with account "${sharing.account}" failed: SWR answered 409 (already shared), but its list of the repository's sharing does not show that account`);
    }
    if (sameDeadline(found.deadline, sharing.deadline))
        return 'found done';
    await client.updateSharing(namespace, repository, sharing);
    return 'done';
}

;// CONCATENATED MODULE: ./src/resources/attachments.ts




const retention = {
    resource: 'retention',
    key: 'policies',
    wanted: w => w.retention !== undefined,
    read: (c, ns, repo) => c.swr.listRetentions(ns, repo),
    diff: (w, name, current) => {
        const d = diffRetention(name, w.retention, current);
        return { changes: d.change ? [d.change] : [], ...(d.warning ? { warning: d.warning } : {}) };
    },
    apply: (ctx, repo, change) => applyRetention(ctx.swr, ctx.namespace, repo, change, ctx.waiting)
};
const sharing = {
    resource: 'sharing',
    key: 'sharing',
    wanted: w => w.shareWith !== undefined,
    read: (c, ns, repo) => c.access.listSharing(ns, repo),
    diff: (w, name, current) => diffSharing(name, w.shareWith, current, w.onDrift),
    apply: async (ctx, repo, change) => (await applySharing(ctx.access, ctx.namespace, repo, change, ctx.waiting)) === 'found done'
        ? 'found done'
        : undefined
};
const replication = {
    resource: 'replication',
    key: 'syncRules',
    wanted: w => w.replicateTo !== undefined,
    read: (c, ns, repo) => c.access.listSyncRules(ns, repo),
    diff: (w, name, current) => diffReplication(name, w.replicateTo, current, w.replicateOverride ?? false, w.onDrift),
    apply: async (ctx, repo, change) => {
        const target = change.after;
        const failed = target && ctx.failedTargets.get(targetKey(target));
        if (failed)
            throw new Error(failed);
        await applyReplication(ctx.access, ctx.namespace, repo, change, ctx.waiting);
    }
};
const permissions = {
    resource: 'repository-permission',
    key: 'grants',
    wanted: w => w.repositoryPermissions !== undefined,
    read: (c, namespace, repository) => readGrantEntries(c.permissions, { namespace, repository }),
    diff: (w, name, current) => diffGrants('repository-permission', name, `Repository "${name}"`, 'repository_permissions', w.repositoryPermissions, current, w.onDrift),
    apply: async (ctx, repository, change) => {
        const outcome = await applyGrant(ctx.permissions, { namespace: ctx.namespace, repository }, change, ctx.waiting);
        return outcome === 'found done' ? outcome : undefined;
    }
};
/** In the order their changes apply, after the repository's own. */
const ATTACHMENTS = [retention, sharing, replication, permissions];
function attachmentFor(resource) {
    return ATTACHMENTS.find(a => a.resource === resource);
}

// EXTERNAL MODULE: ./src/pool.ts
var pool = __nccwpck_require__(9537);
;// CONCATENATED MODULE: ./src/standard/read.ts











/**
 * A failed read is its repository's (or its target's) alone, but for a refusal of the
 * credentials: that one stops the run before anything is planned.
 */
function failedRead(err) {
    if (err instanceof errors/* CredentialsRefused */.Rl)
        throw err;
    return (0,values/* messageOf */.bD)(err);
}
/** A list page that failed is left to the reads one by one, unless the credentials were refused. */
function skipped(err) {
    failedRead(err);
    return undefined;
}
/** What an existing repository has besides its settings, as far as the inputs ask. */
async function readAttachments(clients, wanted, repository, info) {
    const kinds = ATTACHMENTS.filter(a => a.wanted(wanted));
    const lists = await Promise.all(kinds.map(a => a.read(clients, wanted.namespace, repository)));
    const observation = { read: { state: 'exists', info } };
    kinds.forEach((a, i) => Object.assign(observation, { [a.key]: lists[i] }));
    return observation;
}
async function readRepositoryState(clients, wanted, repository) {
    let read;
    try {
        read = await clients.swr.readRepository(wanted.namespace, repository);
    }
    catch (err) {
        return { error: failedRead(err) };
    }
    if (read.state !== 'exists')
        return { read };
    try {
        return await readAttachments(clients, wanted, repository, read.info);
    }
    catch (err) {
        // The repository itself was read: its path and its organization are known all the same.
        return { read, error: failedRead(err) };
    }
}
/**
 * From this many repositories on, the list's first page is read first: it costs one request
 * and often answers for the whole batch (docs/swr-service.md, "Listing repositories").
 */
const LIST_FROM = 3;
/**
 * The batch's repositories, from the list where that costs fewer requests than reading them:
 * the first page tells the list's size; the rest of the pages are read only when there are no
 * more of them than repositories still unseen (which are read one by one otherwise). So a
 * batch of N costs at most min(N + 1, pages + 1) reads, and never more than the first page
 * beyond reading each.
 */
async function listed(clients, wanted, concurrency) {
    const { namespace, repositories } = wanted;
    if (repositories.length < LIST_FROM)
        return undefined;
    const first = await clients.swr.listRepositoryPage(namespace, 0).catch(skipped);
    // Refused (its own IAM permission) or failed: the reads one by one say what is wrong.
    if (!first)
        return undefined;
    const found = new Map(first.infos.map(info => [info.name, info]));
    const pages = Math.ceil(first.total / LIST_PAGE);
    const unseen = repositories.filter(r => !found.has(r)).length;
    if (pages <= 1 || unseen === 0)
        return { found, complete: true };
    if (pages - 1 > unseen)
        return { found, complete: false };
    const offsets = Array.from({ length: pages - 1 }, (_, i) => (i + 1) * LIST_PAGE);
    const rest = await (0,pool/* mapPool */.P)(offsets, concurrency, offset => clients.swr.listRepositoryPage(namespace, offset).catch(skipped));
    for (const page of rest)
        page?.infos.forEach(info => found.set(info.name, info));
    return { found, complete: rest.every(page => page !== undefined) };
}
/**
 * The organization's whole list, every page, for prune: matching a pattern needs every name.
 * A page that cannot be read fails the run before anything is planned: a partial list would
 * spare repositories silently.
 */
async function wholeList(clients, namespace, concurrency) {
    const refused = (offset) => new Error(`prune needs the list of the repositories of "${namespace}", and SWR did not return its page at offset ${offset} (it needs the SWR permission swr:repo:listRepos, see "IAM permissions" in the README); nothing was deleted.`);
    const first = await clients.swr.listRepositoryPage(namespace, 0);
    if (!first)
        throw refused(0);
    const found = new Map(first.infos.map(info => [info.name, info]));
    const pages = Math.ceil(first.total / LIST_PAGE);
    const offsets = Array.from({ length: Math.max(0, pages - 1) }, (_, i) => (i + 1) * LIST_PAGE);
    const rest = await (0,pool/* mapPool */.P)(offsets, concurrency, async (offset) => {
        const page = await clients.swr.listRepositoryPage(namespace, offset);
        if (!page)
            throw refused(offset);
        return page;
    });
    for (const page of rest)
        page.infos.forEach(info => found.set(info.name, info));
    const dropped = [...new Set([first, ...rest].flatMap(page => page.dropped))];
    return { found, complete: true, dropped };
}
/** What taking a repository down needs besides its own read: nothing read for its settings' sake. */
function removalWanted(wanted) {
    const rest = { ...wanted };
    delete rest.retention;
    delete rest.shareWith;
    delete rest.repositoryPermissions;
    return rest;
}
/** The replica of `repository` in each target of replicate_to, read in the target's region. */
async function readReplicas(clients, wanted, repository, observation) {
    const targets = wanted.replicateTo ?? [];
    if (targets.length === 0 || observation.error !== undefined || !clients.inRegion) {
        return observation;
    }
    try {
        const reads = await Promise.all(targets.map(t => clients.inRegion(t.region).readRepository(t.namespace, repository)));
        const replicas = Object.fromEntries(targets.map((t, i) => [targetKey(t), reads[i]]));
        return { ...observation, replicas };
    }
    catch (err) {
        return { ...observation, error: failedRead(err) };
    }
}
/** The pruned repositories: in the list, matching a pattern, not listed; in name order. */
async function observePruned(clients, wanted, listing, concurrency) {
    const matches = (0,prune/* prunedMatches */.i)(listing.found.keys(), wanted.repositories, wanted.prune ?? []);
    const removal = removalWanted(wanted);
    return (0,pool/* mapPool */.P)(matches, concurrency, async ({ repository, pattern }) => {
        const observation = await observe(clients, removal, repository, listing);
        return {
            repository,
            pattern,
            observation: await readReplicas(clients, removal, repository, observation)
        };
    });
}
async function observe(clients, wanted, repository, listing) {
    const info = listing?.found.get(repository);
    if (!info) {
        // A list may lag behind a create (or end on a full page with no total): a listed repository
        // is reported absent under ensure: absent only once its own read says so.
        if (listing?.complete && wanted.ensure !== 'absent') {
            return { read: { state: 'absent', organizationMissing: false } };
        }
        return readRepositoryState(clients, wanted, repository);
    }
    try {
        return await readAttachments(clients, wanted, repository, info);
    }
    catch (err) {
        return { read: { state: 'exists', info }, error: failedRead(err) };
    }
}
/** The organization's grants; 'missing' when SWR says the organization does not exist. */
async function organizationGrants(clients, namespace) {
    try {
        const read = await clients.permissions.readGrants({ namespace });
        return read === 'missing' ? 'missing' : entriesOf(read);
    }
    catch (err) {
        return { error: failedRead(err) };
    }
}
async function readState(clients, wanted, options) {
    // At the same time as the repositories: it depends on none of them. Both are awaited together,
    // so that a run-wide stop (refused credentials) in either is never left unhandled.
    const [observed, grants] = await Promise.all([
        readRepositories(clients, wanted, options),
        wanted.organizationPermissions ? organizationGrants(clients, wanted.namespace) : undefined
    ]);
    if (!grants)
        return observed;
    if (grants !== 'missing')
        return { ...observed, organizationGrants: grants };
    // A new organization has no grants; and its absence is now known, for the plan.
    const organization = observed.organization === 'unknown' ? 'missing' : observed.organization;
    return { ...observed, organization, organizationGrants: [] };
}
async function readRepositories(clients, wanted, options) {
    const pruning = (wanted.prune ?? []).length > 0;
    const listing = pruning
        ? await wholeList(clients, wanted.namespace, options.concurrency)
        : await listed(clients, wanted, options.concurrency);
    const removing = wanted.ensure === 'absent';
    const repositories = await (0,pool/* mapPool */.P)(wanted.repositories, options.concurrency, async (repository) => {
        const observation = await observe(clients, wanted, repository, listing);
        return removing ? readReplicas(clients, wanted, repository, observation) : observation;
    });
    const dropped = (0,names/* droppedNamesWarning */.de)(`"${wanted.namespace}"`, listing?.dropped ?? []);
    const pruned = {
        ...(pruning
            ? { pruned: await observePruned(clients, wanted, listing, options.concurrency) }
            : {}),
        ...(dropped ? { warnings: [dropped] } : {})
    };
    const organization = organizationFromReads(repositories.map(r => r.read));
    const absent = repositories.some(r => r.read?.state === 'absent');
    // Nothing is created when repositories are taken down: the organization is not asked about.
    if (!options.dryRun || organization !== 'unknown' || !absent || removing) {
        return { organization, repositories, ...pruned };
    }
    try {
        const state = await clients.swr.readOrganization(wanted.namespace);
        return { organization: state, repositories, ...pruned };
    }
    catch (err) {
        // The repositories to be created cannot be planned without it; the others can.
        const error = failedRead(err);
        const blocked = repositories.map(r => (r.read?.state === 'absent' ? { error } : r));
        return { organization, repositories: blocked, ...pruned };
    }
}
/**
 * The organizations of the targets ("region/namespace"), each read in its own region, all at
 * once. A read that fails is that target's failure, not the run's.
 */
async function readTargets(keys, readerFor) {
    const states = await Promise.all(keys.map(async (key) => {
        const { region, namespace } = targetOfKey(key);
        try {
            return await readerFor(region).readOrganization(namespace);
        }
        catch (err) {
            if (err instanceof errors/* ApiError */.hD && (0,swr_errors/* isCrossAccount */.Ot)(err.error)) {
                return { error: foreignTarget(namespace, region) };
            }
            return { error: failedRead(err) };
        }
    }));
    return new Map(keys.map((key, i) => [key, states[i]]));
}

// EXTERNAL MODULE: ./src/edition.ts
var src_edition = __nccwpck_require__(9585);
// EXTERNAL MODULE: ./src/swr/endpoints.ts
var endpoints = __nccwpck_require__(650);
// EXTERNAL MODULE: ./src/swr/iam-users.ts
var iam_users = __nccwpck_require__(1952);
;// CONCATENATED MODULE: ./src/resources/repository.ts
/** A new repository's settings: what the workflow set, else private, "other", no description. */
function newRepositorySettings(wanted) {
    return {
        is_public: wanted.is_public ?? false,
        category: wanted.category ?? 'other',
        description: wanted.description ?? ''
    };
}
function settingsOf(info) {
    return { is_public: info.is_public, category: info.category, description: info.description };
}
/** Differences in the settings the workflow set; an empty description is "no opinion". */
function driftOf(current, wanted) {
    const drift = [];
    if (wanted.is_public !== undefined && current.is_public !== wanted.is_public) {
        drift.push({ setting: 'is_public', actual: current.is_public, wanted: wanted.is_public });
    }
    if (wanted.category !== undefined && current.category !== wanted.category) {
        drift.push({ setting: 'category', actual: current.category, wanted: wanted.category });
    }
    if (wanted.description && current.description !== wanted.description) {
        drift.push({ setting: 'description', actual: current.description, wanted: wanted.description });
    }
    return drift;
}
/** The whole settings an update sends (SWR requires is_public): the current ones, corrected. */
function correctedSettings(current, drift) {
    const corrected = { ...current };
    for (const item of drift)
        Object.assign(corrected, { [item.setting]: item.wanted });
    return corrected;
}
function describeDrift(drift) {
    return drift
        .map(d => `${d.setting} is ${JSON.stringify(d.actual)}, wanted ${JSON.stringify(d.wanted)}`)
        .join('; ');
}
function diffRepository(name, read, wanted) {
    if (read.state === 'absent') {
        const after = newRepositorySettings(wanted.settings);
        const reason = 'the repository does not exist';
        return {
            change: {
                resource: 'repository',
                name,
                action: 'create',
                before: null,
                after: { ...after },
                reason
            },
            drift: []
        };
    }
    const current = settingsOf(read.info);
    const drift = driftOf(current, wanted.settings);
    if (drift.length === 0)
        return { drift };
    const differences = describeDrift(drift);
    if (wanted.onDrift === 'fail') {
        return {
            drift,
            failure: `Repository "${name}" differs from the inputs (on_drift: fail): ${differences}.`
        };
    }
    if (wanted.onDrift === 'warn') {
        return {
            drift,
            warning: `Repository "${name}" differs from the inputs and was left as it is (on_drift: warn): ${differences}.`
        };
    }
    const after = correctedSettings(current, drift);
    const reason = `on_drift: update, and ${drift.map(d => d.setting).join(', ')} differ${drift.length === 1 ? 's' : ''} from the inputs`;
    return {
        change: {
            resource: 'repository',
            name,
            action: 'update',
            before: { ...current },
            after: { ...after },
            reason
        },
        drift
    };
}
/** "it holds 3 images", when the read said how many. */
function imagesOf(info) {
    if (info.images === undefined)
        return '';
    return `; it holds ${info.images} image${info.images === 1 ? '' : 's'}, deleted with it`;
}
/**
 * Deleting a repository that was read to exist: `before` is what goes, image count included
 * where the read returned it. A repository that does not exist needs no change.
 */
function deleteRepositoryChange(name, info, why, region) {
    return {
        resource: 'repository',
        name,
        ...(region ? { region } : {}),
        action: 'delete',
        before: { ...settingsOf(info), ...(info.images !== undefined ? { images: info.images } : {}) },
        after: null,
        reason: `${why}${imagesOf(info)}`
    };
}

;// CONCATENATED MODULE: ./src/standard/plan.ts
// The plan: what the inputs want, compared with what was read, as a list of changes. Pure
// functions of data (no I/O), so a dry run and a real run plan alike from the same state.








/** The settings a repository will have once its planned change is made. */
function settingsAfter(read, change) {
    if (change?.after)
        return change.after;
    return read.state === 'exists' ? settingsOf(read.info) : undefined;
}
function planRepository(wanted, repository, observation) {
    const name = `${wanted.namespace}/${repository}`;
    const base = { repository, name, observation, changes: [], drift: [], warnings: [] };
    if (observation.error !== undefined || !observation.read) {
        return { ...base, failure: observation.error ?? `${name} was not read` };
    }
    const repo = diffRepository(name, observation.read, wanted);
    if (repo.failure)
        return { ...base, drift: repo.drift, failure: repo.failure };
    if (wanted.shareWith && settingsAfter(observation.read, repo.change)?.is_public) {
        const failure = `Repository "${name}" is public, and SWR shares only private repositories: drop share_with, or make it private (is_public: false with on_drift: update).`;
        return { ...base, drift: repo.drift, failure };
    }
    const exists = observation.read.state === 'exists';
    const diffs = ATTACHMENTS.filter(a => a.wanted(wanted)).map(a => a.diff(wanted, name, exists ? (observation[a.key] ?? []) : undefined));
    const failure = diffs.find(d => d.failure !== undefined)?.failure;
    if (failure)
        return { ...base, drift: repo.drift, failure };
    const changes = [...(repo.change ? [repo.change] : []), ...diffs.flatMap(d => d.changes)];
    const warnings = [repo.warning, ...diffs.map(d => d.warning)];
    return {
        ...base,
        changes,
        drift: repo.drift,
        warnings: warnings.filter((w) => w !== undefined)
    };
}
/**
 * Taking a repository down: its auto-sync rules first (so that nothing copies an image to a
 * replica again), then the repository, then its replica in each target of replicate_to. What
 * does not exist needs no change; organizations are never deleted.
 */
function planRemoval(wanted, repository, observation, why, prunedBy) {
    const name = `${wanted.namespace}/${repository}`;
    const base = {
        repository,
        name,
        observation,
        changes: [],
        drift: [],
        warnings: [],
        absent: true,
        ...(prunedBy !== undefined ? { prunedBy } : {})
    };
    if (observation.error !== undefined || !observation.read) {
        return { ...base, failure: observation.error ?? `${name} was not read` };
    }
    const changes = [];
    if (observation.read.state === 'exists') {
        for (const rule of observation.syncRules ?? []) {
            const reason = `${why}; its auto-sync to ${targetKey(rule)} goes first, so that no image is copied there again`;
            changes.push(accessChange('replication', name, 'delete', rule, null, reason));
        }
        changes.push(deleteRepositoryChange(name, observation.read.info, why));
    }
    for (const target of wanted.replicateTo ?? []) {
        const replica = observation.replicas?.[targetKey(target)];
        if (replica?.state !== 'exists')
            continue;
        const reason = `${why}; the replica auto-sync made of ${name}`;
        const replicaName = `${target.namespace}/${repository}`;
        changes.push(deleteRepositoryChange(replicaName, replica.info, reason, target.region));
    }
    return { ...base, changes };
}
/**
 * Each repository's plan, in the order given, then the pruned ones; none depends on the
 * targets' organizations.
 */
function planRepositories(wanted, observed) {
    const listed = wanted.repositories.map((repository, i) => {
        const observation = observed.repositories[i] ?? {};
        return wanted.ensure === 'absent'
            ? planRemoval(wanted, repository, observation, 'ensure: absent')
            : planRepository(wanted, repository, observation);
    });
    const pruned = (observed.pruned ?? []).map(p => planRemoval(wanted, p.repository, p.observation, `it matches prune pattern "${p.pattern}" and is not listed in repository`, p.pattern));
    return [...listed, ...pruned];
}
/** The repositories the plan deletes ("group/app", a replica's with its region). */
function deletionsOf(plans) {
    return plans.flatMap(p => p.changes
        .filter(c => c.resource === 'repository' && c.action === 'delete')
        .map(c => (c.region ? `${c.name} (${c.region})` : c.name)));
}
/** The targets some repository will need a new auto-sync rule to: their organizations are read. */
function targetsNeeded(plans) {
    const keys = plans.flatMap(p => p.changes
        // A replacement makes its rule anew: its target organization may be gone meanwhile.
        .filter(c => c.resource === 'replication' && (c.action === 'create' || c.action === 'replace'))
        .map(c => targetKey(c.after)));
    return [...new Set(keys)];
}
/** The whole plan; `repositories` when they were planned already, to find the targets. */
function makePlan(wanted, observed, repositories = planRepositories(wanted, observed)) {
    const creates = repositories.some(r => r.changes.some(c => c.resource === 'repository' && c.action === 'create'));
    const organization = diffOrganization(wanted.namespace, observed.organization, creates);
    const targetOrganizations = [...(observed.targets ?? [])]
        .filter(([, state]) => state === 'missing')
        .map(([key]) => {
        const { region, namespace } = targetOfKey(key);
        return {
            ...createOrganizationChange(namespace),
            region,
            reason: `auto-sync copies images to ${key}, and the organization does not exist there`
        };
    });
    const targetErrors = Object.fromEntries([...(observed.targets ?? [])].flatMap(([key, state]) => typeof state === 'object' ? [[key, state.error]] : []));
    const organizationPermissions = planOrganizationGrants(wanted, observed);
    return {
        namespace: wanted.namespace,
        ...(organization ? { organization } : {}),
        targetOrganizations,
        targetErrors,
        repositories,
        ...(organizationPermissions ? { organizationPermissions } : {})
    };
}
function planOrganizationGrants(wanted, observed) {
    if (!wanted.organizationPermissions)
        return undefined;
    const read = observed.organizationGrants;
    if (read && !Array.isArray(read))
        return { changes: [], failure: read.error };
    const diff = diffGrants('organization-permission', wanted.namespace, `Organization "${wanted.namespace}"`, 'organization_permissions', wanted.organizationPermissions, read, wanted.onDrift);
    return { ...diff, found: read ?? [] };
}
/** Every change of the plan in the order it applies: the organization first. */
function changesOf(plan) {
    return [
        ...(plan.organization ? [plan.organization] : []),
        ...plan.targetOrganizations,
        ...plan.repositories.flatMap(r => r.changes),
        ...(plan.organizationPermissions?.changes ?? [])
    ];
}

;// CONCATENATED MODULE: ./src/standard/apply.ts
// Applies a plan: the organization first, then each repository's changes in order, several
// repositories at once. Where SWR's answers show the plan was made on a world that has moved
// (another run created the repository; the organization turned out missing), the affected
// part is read again and planned again, as a controller's reconcile loop does.









/**
 * The organization, shared by the batch: created once, by the planned change or by the first
 * repository whose create shows it missing, while the others wait for that one request.
 */
class OrganizationGate {
    ctx;
    record;
    creating;
    seenExisting = false;
    constructor(ctx) {
        this.ctx = ctx;
    }
    ensure(change = createOrganizationChange(this.ctx.wanted.namespace)) {
        this.creating ??= (async () => {
            const { clients, wanted, log } = this.ctx;
            try {
                const outcome = await applyOrganization(clients.swr, wanted.namespace);
                this.record = { ...change, outcome: outcome === 'created' ? 'done' : 'found done' };
                log.info(`Organization "${wanted.namespace}": ${outcome === 'created' ? 'created' : 'created by another run at the same time'}`);
            }
            catch (err) {
                this.record = { ...change, outcome: 'failed', error: (0,errors/* failureOf */.g5)(err) };
                throw err;
            }
        })();
        return this.creating;
    }
    /**
     * After a create answered 400, 403 or 404: true when the organization was missing and now is
     * not. While this run creates the organization, or once it has, any such refusal is taken as
     * the organization not showing yet (the create is sent again): a read of the organization
     * proves nothing then, as it may answer after the create and the refusal before it.
     */
    async recover(organizationMissing) {
        const ours = () => this.creating !== undefined;
        if (!ours() && !organizationMissing && !(await this.readsMissing()) && !ours())
            return false;
        if (!ours()) {
            const { namespace } = this.ctx.wanted;
            this.ctx.log.info(`Plan: one more change, found while applying: + organization ${namespace}: create (a repository create showed it does not exist)`);
        }
        await this.ensure();
        return true;
    }
    /** A failed read leaves the create's own error to stand. */
    async readsMissing() {
        if (this.seenExisting)
            return false;
        const { clients, wanted } = this.ctx;
        const state = await clients.swr
            .readOrganization(wanted.namespace)
            .catch(() => 'exists');
        // Once seen by a run that did not create it, it stays; after our own create, SWR may lag.
        if (state === 'exists' && this.creating === undefined)
            this.seenExisting = true;
        return state === 'missing';
    }
}
async function createRepository(ctx, gate, repository, settings) {
    const { wanted, waiting } = ctx;
    const client = ctx.clients.swr;
    // No repository can go in an organization that could not be created.
    if (gate.record?.outcome === 'failed')
        throw new Error(gate.record.error);
    for (let attempt = 0;; attempt++) {
        const result = await client.createRepository(wanted.namespace, repository, settings);
        if (result.outcome === 'created')
            return { outcome: 'created', lost: result.lost };
        if (result.outcome === 'exists')
            return { outcome: 'exists', lost: false };
        if (!(await gate.recover(result.organizationMissing)))
            throw result.error;
        const delay = attempt === 0 ? 0 : waiting.delays[attempt - 1];
        if (delay === undefined) {
            throw new Error(`create repository "${wanted.namespace}/${repository}" failed: organization "${wanted.namespace}" still reads as missing after it was created (${attempt + 1} tries, the last answered HTTP ${result.error.status}${result.error.error.code ? ` ${result.error.error.code}` : ''})`);
        }
        if (delay > 0)
            await waiting.sleep(delay);
    }
}
/** Reads a repository just created or found, waiting while SWR does not show it yet. */
async function readBack(ctx, repository) {
    const { wanted } = ctx;
    let info;
    await untilVisible(ctx.waiting, async () => {
        const read = await ctx.clients.swr.readRepository(wanted.namespace, repository);
        if (read.state !== 'exists')
            return 'absent';
        info = read.info;
        return 'done';
    }, tries => `read repository "${wanted.namespace}/${repository}" failed: it still reads as missing after it was created (${tries} reads)`);
    return info;
}
/** Another run created the repository between our read and our create: plan it again. */
async function replan(ctx, repository) {
    const info = await readBack(ctx, repository);
    const observation = await readAttachments(ctx.clients, ctx.wanted, repository, info);
    return planRepository(ctx.wanted, repository, observation);
}
async function applyCreate(ctx, gate, progress, change) {
    const repository = progress.plan.repository;
    const settings = change.after;
    const result = await createRepository(ctx, gate, repository, settings);
    if (result.outcome === 'exists') {
        ctx.log.info(`Repository "${change.name}": created by another run at the same time`);
        progress.plan = await replan(ctx, repository);
        if (progress.plan.failure)
            progress.error = progress.plan.failure;
        return { record: { ...change, outcome: 'found done' }, replanned: true };
    }
    progress.created = true;
    if (ctx.readBackPaths)
        progress.info = await readBack(ctx, repository);
    if (!result.lost)
        return { record: { ...change, outcome: 'done' } };
    const note = 'its answer was lost; a read shows the repository, so this run most likely created it';
    ctx.log.info(`Repository "${change.name}": ${note}`);
    return { record: { ...change, outcome: 'done', note } };
}
/**
 * Deletes a repository (a replica in its own region): one that SWR says is gone already was
 * deleted by another run, and one whose answer was lost counts as deleted once a read shows it
 * gone.
 */
async function applyDelete(ctx, change) {
    const slash = change.name.indexOf('/');
    const namespace = change.name.slice(0, slash);
    const repository = change.name.slice(slash + 1);
    const client = change.region ? ctx.clients.inRegion(change.region) : ctx.clients.swr;
    const where = change.region ? ` in ${change.region}` : '';
    const result = await client.deleteRepository(namespace, repository);
    if (result.outcome === 'absent') {
        ctx.log.info(`Repository "${change.name}"${where}: deleted by another run at the same time`);
        return { record: { ...change, outcome: 'found done' } };
    }
    ctx.log.info(`Repository "${change.name}"${where}: deleted`);
    if (!result.lost)
        return { record: { ...change, outcome: 'done' } };
    const note = 'its answer was lost; a read shows the repository gone, so this run deleted it';
    ctx.log.info(`Repository "${change.name}"${where}: ${note}`);
    return { record: { ...change, outcome: 'done', note } };
}
async function applyChange(ctx, gate, progress, change) {
    const { clients, wanted } = ctx;
    const repository = progress.plan.repository;
    const attachment = attachmentFor(change.resource);
    if (change.resource === 'repository' && change.action === 'delete') {
        return applyDelete(ctx, change);
    }
    else if (attachment) {
        const attached = {
            ...clients,
            namespace: wanted.namespace,
            waiting: ctx.waiting,
            failedTargets: ctx.failedTargets
        };
        const outcome = await attachment.apply(attached, repository, change);
        if (outcome === 'found done')
            return { record: { ...change, outcome } };
    }
    else if (change.action === 'update') {
        const settings = change.after;
        await clients.swr.updateRepository(wanted.namespace, repository, settings);
    }
    else {
        return applyCreate(ctx, gate, progress, change);
    }
    return { record: { ...change, outcome: 'done' } };
}
/** Applies changes in order; after a failure the rest are skipped (each needs the one before). */
async function applyChanges(ctx, gate, progress, changes) {
    const records = [];
    // A grant needs only the repository: one that fails leaves the other grants to be made.
    let blocking = progress.error !== undefined;
    for (const change of changes) {
        const grant = change.resource === 'repository-permission';
        if (blocking || (progress.error !== undefined && !grant)) {
            records.push({ ...change, outcome: 'skipped' });
            continue;
        }
        try {
            const { record, replanned } = await applyChange(ctx, gate, progress, change);
            records.push(record);
            // The rest of the old plan was made for a repository that did not exist: drop it.
            if (replanned)
                return [...records, ...(await applyChanges(ctx, gate, progress, progress.plan.changes))];
        }
        catch (err) {
            const error = (0,errors/* failureOf */.g5)(err);
            progress.error ??= error;
            if (!grant || err instanceof errors/* CredentialsRefused */.Rl)
                blocking = true;
            records.push({ ...change, outcome: 'failed', error });
        }
    }
    return records;
}
/** A replication target's organization, created in its own region. */
async function applyTarget(ctx, change) {
    const region = change.region;
    try {
        const outcome = await applyOrganization(ctx.clients.inRegion(region), change.name);
        const words = outcome === 'created' ? 'created' : 'created by another run at the same time';
        ctx.log.info(`Organization "${change.name}" in ${region}: ${words}`);
        return { ...change, outcome: outcome === 'created' ? 'done' : 'found done' };
    }
    catch (err) {
        const message = err instanceof ForeignOrganizationError ? foreignTarget(change.name, region) : (0,errors/* failureOf */.g5)(err);
        ctx.failedTargets.set(targetKey({ region, namespace: change.name }), message);
        return { ...change, outcome: 'failed', error: message };
    }
}
async function applyPlan(plan, options) {
    const failedTargets = new Map(Object.entries(plan.targetErrors));
    const ctx = { ...options, failedTargets };
    const gate = new OrganizationGate(ctx);
    // The run's organization first: without it nothing would be copied to the targets' ones,
    // which are then made every region at once. A failure is each dependent change's to report.
    if (plan.organization)
        await gate.ensure(plan.organization).catch(() => undefined);
    const sourceFailed = gate.record?.outcome === 'failed';
    const targetOrganizations = sourceFailed
        ? plan.targetOrganizations.map(change => ({ ...change, outcome: 'skipped' }))
        : await Promise.all(plan.targetOrganizations.map(change => applyTarget(ctx, change)));
    const repositories = await (0,pool/* mapPool */.P)(plan.repositories, ctx.concurrency, async (rp) => {
        const progress = {
            created: false,
            plan: rp,
            ...(rp.failure ? { error: rp.failure } : {})
        };
        const records = await applyChanges(ctx, gate, progress, rp.changes);
        const applied = { plan: progress.plan, records, created: progress.created };
        if (progress.info)
            applied.info = progress.info;
        if (progress.error !== undefined)
            applied.error = progress.error;
        return applied;
    });
    // After the repositories: a repository create may be what made the organization.
    const organizationPermissions = await applyOrganizationGrants(ctx, gate, plan);
    return {
        ...(gate.record ? { organization: gate.record } : {}),
        targetOrganizations,
        repositories,
        organizationPermissions
    };
}
/** The organization's grants, all at once: each is one user's, and needs only the organization. */
async function applyOrganizationGrants(ctx, gate, plan) {
    const changes = plan.organizationPermissions?.changes ?? [];
    const failed = gate.record?.outcome === 'failed' ? gate.record.error : undefined;
    return Promise.all(changes.map(async (change) => {
        if (failed !== undefined)
            return { ...change, outcome: 'skipped' };
        try {
            const scope = { namespace: ctx.wanted.namespace };
            const outcome = await applyGrant(ctx.clients.permissions, scope, change, ctx.waiting);
            return { ...change, outcome };
        }
        catch (err) {
            return { ...change, outcome: 'failed', error: (0,errors/* failureOf */.g5)(err) };
        }
    }));
}

// EXTERNAL MODULE: ./src/github/summary.ts
var summary = __nccwpck_require__(2935);
// EXTERNAL MODULE: ./src/report.ts
var report = __nccwpck_require__(665);
;// CONCATENATED MODULE: ./src/standard/report.ts









/**
 * The host of the path the service answered for `name`, when that path is one line of the
 * expected shape: a registry host (the one derived from the endpoint, when one is), then the
 * organization and repository asked for. Undefined otherwise.
 */
function answeredHost(rules, name, path) {
    const slash = path.indexOf('/');
    const host = path.slice(0, slash);
    if (slash < 0 || (0,values/* hasControl */.aQ)(path) || !names/* REGISTRY_HOST */.zv.test(host))
        return undefined;
    if (rules.knownHost && host.toLowerCase() !== rules.knownHost.toLowerCase())
        return undefined;
    return (0,names/* sameName */.q)(path.slice(slash + 1), name) ? host.toLowerCase() : undefined;
}
/**
 * The image path of repository `name` ("group/app"): on the registry input's host when given;
 * else on the host of the path the service answered, once that path is checked (a path that
 * is not what was asked for is not trusted, and the path the action builds is used instead,
 * with a warning); else on the host derived from the endpoint; else none.
 */
function pathOf(rules, name, info) {
    if (rules.registryOverride)
        return { path: `${rules.registryOverride}/${name}` };
    const built = rules.knownHost ? `${rules.knownHost}/${name}` : '';
    if (!info?.path)
        return { path: built };
    const host = answeredHost(rules, name, info.path);
    if (host)
        return { path: `${host}/${name}` };
    const expected = `${rules.knownHost ?? 'a registry host'}/${name}`;
    const instead = built
        ? `the path ${built} is used instead`
        : 'no path is known: set input registry to the host users push to';
    return {
        path: built,
        warning: `SWR answered the path ${(0,values/* quoted */.TL)(info.path)} for repository "${name}", which is not ${expected}; it is not trusted, and ${instead}.`
    };
}
/** Retention's outcome, when retention is asked for: unchanged when no change was needed. */
function retentionOf(records, wanted) {
    const record = records.find(r => r.resource === 'retention');
    return record || wanted ? (0,report/* accessAction */.F)(record) : undefined;
}
/**
 * One kind of access entry (sharing, auto-sync): each wanted entry with what became of it, then
 * each other one found (kept, or removed). Entries and their records match by `key`.
 */
function accessResults(resource, records, key, entries, results) {
    // A record's before or after is an entry of the same kind.
    const recordFor = (k) => records.find(r => r.resource === resource && key((r.after ?? r.before)) === k);
    const wantedKeys = new Set(entries.wanted.map(key));
    return [
        ...entries.wanted.map(w => results.listed(w, (0,report/* accessAction */.F)(recordFor(key(w))))),
        ...entries.found
            .filter(f => !wantedKeys.has(key(f)))
            .map(f => {
            const record = recordFor(key(f));
            return results.other(f, record ? (0,report/* accessAction */.F)(record) : 'kept');
        })
    ];
}
function sharingOf(wanted, rp, records) {
    if (!wanted.shareWith || rp.failure)
        return undefined;
    return accessResults('sharing', records, s => accountKey(s.account), { wanted: wanted.shareWith, found: rp.observation.sharing ?? [] }, {
        listed: (w, action) => ({ account: w.account, deadline: deadlineOf(w), action }),
        other: (s, action) => ({ ...s, action })
    });
}
function replicationOf(wanted, rp, records, targetErrors) {
    if (!wanted.replicateTo || rp.failure)
        return undefined;
    return accessResults('replication', records, targetKey, { wanted: wanted.replicateTo, found: rp.observation.syncRules ?? [] }, {
        listed: (t, action) => ({
            region: t.region,
            namespace: t.namespace,
            path: `${t.registry}/${t.namespace}/${rp.repository}`,
            action: targetErrors[targetKey(t)] ? 'failed' : action
        }),
        other: (r, action) => ({ region: r.region, namespace: r.namespace, path: '', action })
    });
}
/** Each grant listed, then each other user's found (kept, or removed). */
function grantsOf(resource, wanted, found, records) {
    const mine = records.filter(r => r.resource === resource);
    const stateOf = (r) => (r.after ?? r.before);
    const recordFor = (user, id) => mine.find(r => {
        const state = stateOf(r);
        return id !== undefined && state.user_id ? (0,permission_client/* sameId */.s)(state.user_id, id) : state.user === user;
    });
    const listed = wanted.map(w => {
        const entry = found.find(e => matches(w, e));
        const record = recordFor(w.user, entry?.id ?? w.id);
        const level = entry?.self ? levelOf(entry.auth) : w.level;
        return { user: w.user, level, action: (0,report/* accessAction */.F)(record) };
    });
    const others = found
        .filter(e => !e.self && !wanted.some(w => matches(w, e)))
        .map(e => {
        const record = recordFor(e.user, e.id);
        return {
            user: e.user,
            level: levelOf(e.auth),
            action: record ? (0,report/* accessAction */.F)(record) : 'kept'
        };
    });
    return [...listed, ...others];
}
const matches = (w, e) => w.id !== undefined ? (0,permission_client/* sameId */.s)(e.id, w.id) : e.user === w.user;
function currentSettings(rp) {
    const read = rp.observation.read;
    return read?.state === 'exists' ? settingsOf(read.info) : undefined;
}
/** The record of deleting a repository (`region` for a replica's), if one was planned. */
function deleteRecord(records, name, region) {
    return records.find(r => r.resource === 'repository' && r.action === 'delete' && r.name === name && r.region === region);
}
/**
 * A repository taken down (ensure: absent, prune): deleted, would be, already absent, or
 * failed; and with replicate_to, what became of each replica. `deleted` gets the image paths
 * this run deleted.
 */
function removalResult(wanted, rp, records, applied, rules, deleted, warnings) {
    const own = deleteRecord(records, rp.name);
    const info = readInfo(rp);
    const { path: ownPath, warning: pathWarning } = pathOf(rules, rp.name, info);
    if (pathWarning)
        warnings.push(pathWarning);
    if (own?.outcome === 'done' && ownPath)
        deleted.push(ownPath);
    const replication = rp.failure
        ? undefined
        : wanted.replicateTo?.map(t => {
            const record = deleteRecord(records, `${t.namespace}/${rp.repository}`, t.region);
            const path = `${t.registry}/${t.namespace}/${rp.repository}`;
            if (record?.outcome === 'done')
                deleted.push(path);
            return {
                region: t.region,
                namespace: t.namespace,
                path,
                action: record ? (0,report/* accessAction */.F)(record) : 'absent'
            };
        });
    const error = applied ? applied.error : rp.failure;
    const action = error !== undefined
        ? 'failed'
        : !own
            ? 'absent'
            : own.outcome === 'planned'
                ? 'would delete'
                : 'deleted';
    // A repository whose delete failed is still there, at its path.
    const stays = own && !['done', 'found done', 'planned'].includes(own.outcome);
    const note = rp.prunedBy !== undefined ? `matches prune pattern "${rp.prunedBy}"` : undefined;
    return {
        repository: rp.repository,
        path: stays ? ownPath : '',
        action,
        created: false,
        updated: false,
        drift: [],
        ...(replication ? { replication } : {}),
        ...(note ? { note } : {}),
        ...(error !== undefined ? { error } : {})
    };
}
function repositoryResult(wanted, rp, records, applied, rules, targetErrors, warnings) {
    const current = applied?.plan ?? rp;
    const repoRecord = records.find(r => r.resource === 'repository' && r.outcome !== 'found done');
    const planned = repoRecord?.outcome === 'planned';
    const done = repoRecord?.outcome === 'done';
    const creates = repoRecord?.action === 'create';
    const changed = planned || done;
    const info = applied?.info ?? readInfo(current);
    const exists = info !== undefined || (changed && creates) || applied?.created === true;
    const { path, warning: pathWarning } = exists ? pathOf(rules, rp.name, info) : { path: '' };
    if (pathWarning)
        warnings.push(pathWarning);
    // A repository that exists needs a path to push to: without one the run has failed it.
    const pathless = exists && !path && !planned
        ? `The service did not return ${pathWarning ? 'a path that can be trusted' : 'the path'} of "${rp.name}" and the registry host cannot be derived from the endpoint: set input registry.`
        : undefined;
    // A dry run cannot fail a change, but a target that could not be read fails its rule all the same.
    const targetError = records
        .filter(r => r.resource === 'replication' && r.outcome === 'planned' && r.after)
        .map(r => targetErrors[targetKey(r.after)])
        .find(e => e !== undefined);
    // Likewise a grant whose IAM user could not be found.
    const blocked = records.find(r => r.outcome === 'planned' && r.blocked)?.blocked;
    const error = (applied ? applied.error : (rp.failure ?? targetError ?? blocked)) ?? pathless;
    const settings = changed
        ? repoRecord?.after
        : currentSettings(current);
    const retention = retentionOf(records, wanted.retention !== undefined && !rp.failure);
    const sharing = sharingOf(wanted, current, records);
    const replication = replicationOf(wanted, current, records, targetErrors);
    const permissions = wanted.repositoryPermissions && !current.failure
        ? grantsOf('repository-permission', wanted.repositoryPermissions, current.observation.grants ?? [], records)
        : undefined;
    return {
        repository: rp.repository,
        path,
        action: error ? 'failed' : actionOf(planned, done, creates),
        created: applied?.created ?? false,
        updated: done && !creates,
        ...(settings ? { settings } : {}),
        drift: current.drift,
        ...(retention ? { retention } : {}),
        ...(sharing ? { sharing } : {}),
        ...(replication ? { replication } : {}),
        ...(permissions ? { permissions } : {}),
        ...(error !== undefined ? { error } : {})
    };
}
function actionOf(planned, done, creates) {
    if (planned)
        return creates ? 'would create' : 'would update';
    if (done)
        return creates ? 'created' : 'updated';
    return 'unchanged';
}
function readInfo(rp) {
    const read = rp.observation.read;
    return read?.state === 'exists' ? read.info : undefined;
}
function organizationOutcome(plan, applied, repositories) {
    const record = applied?.organization;
    if (record)
        return record.outcome === 'done' ? 'created' : record.outcome === 'failed' ? 'failed' : 'exists';
    if (!applied && plan.organization)
        return 'would create';
    return repositories.some(r => r.path || r.action !== 'failed') ? 'exists' : 'not reached';
}
function buildReport(wanted, plan, applied, rules) {
    const perRepository = plan.repositories.map((rp, i) => {
        const a = applied?.repositories[i];
        const records = a ? a.records : rp.changes.map(c => ({ ...c, outcome: 'planned' }));
        return { rp, a, records };
    });
    const organizationRecord = applied
        ? applied.organization
            ? [applied.organization]
            : []
        : plan.organization
            ? [{ ...plan.organization, outcome: 'planned' }]
            : [];
    const pathWarnings = [];
    const deleted = [];
    const repositories = perRepository.map(({ rp, a, records }) => rp.absent
        ? removalResult(wanted, rp, records, a, rules, deleted, pathWarnings)
        : repositoryResult(wanted, rp, records, a, rules, plan.targetErrors, pathWarnings));
    const targetRecords = applied
        ? applied.targetOrganizations
        : plan.targetOrganizations.map(c => ({ ...c, outcome: 'planned' }));
    // A replica exists (or would) only where its rule does: made, kept as it was, or planned.
    const replicating = ['created', 'replaced', 'unchanged', 'would create', 'would replace'];
    const replicaPaths = repositories.flatMap(r => r.path
        ? (r.replication ?? []).filter(t => t.path && replicating.includes(t.action)).map(t => t.path)
        : []);
    const grants = organizationGrantsOf(wanted, plan, applied);
    return {
        namespace: plan.namespace,
        dryRun: applied === undefined,
        organization: organizationOutcome(plan, applied, repositories),
        changes: [
            ...organizationRecord,
            ...targetRecords,
            ...perRepository.flatMap(p => p.records),
            ...(grants?.records ?? [])
        ],
        repositories,
        replicaPaths,
        warnings: [
            ...pathWarnings,
            ...perRepository.flatMap(({ rp, a }) => (a?.plan ?? rp).warnings),
            ...(plan.organizationPermissions?.warning ? [plan.organizationPermissions.warning] : [])
        ],
        ...(grants ? { organizationPermissions: grants.results } : {}),
        ...(grants?.errors.length ? { organizationErrors: grants.errors } : {}),
        deleted
    };
}
/** The organization's grants: their records, what each user has, and what failed. */
function organizationGrantsOf(wanted, plan, applied) {
    const diff = plan.organizationPermissions;
    if (!wanted.organizationPermissions || !diff)
        return undefined;
    const records = applied
        ? applied.organizationPermissions
        : diff.changes.map(c => ({ ...c, outcome: 'planned' }));
    const name = `Organization "${plan.namespace}"`;
    const errors = diff.failure
        ? [diff.failure]
        : records.flatMap(r => {
            const error = r.outcome === 'failed' ? r.error : r.outcome === 'planned' ? r.blocked : undefined;
            if (error === undefined)
                return [];
            const user = (r.after ?? r.before).user;
            return [`${name}, IAM user ${(0,values/* quoted */.TL)(user, 64)}: ${error}`];
        });
    const found = diff.found ?? [];
    const results = diff.failure
        ? []
        : grantsOf('organization-permission', wanted.organizationPermissions, found, records);
    return { records, errors, results };
}

;// CONCATENATED MODULE: ./src/standard/converge.ts
// The standard edition behind the one shape (edition.ts): read -> plan -> apply -> report.







function standardEdition(wanted, clients, options) {
    const { dryRun, concurrency, log, waiting, paths } = options;
    return {
        async read() {
            // The users' ids from IAM (reads, made in a dry run too) while SWR is read.
            const [observed, resolved] = await Promise.all([
                readState(clients, wanted, { concurrency, dryRun }),
                resolveWanted(wanted, clients.iam)
            ]);
            for (const message of observed.warnings ?? [])
                log.warning(message);
            const repositories = planRepositories(resolved, observed);
            const targets = targetsNeeded(repositories);
            if (targets.length > 0)
                observed.targets = await readTargets(targets, clients.inRegion);
            return { wanted: resolved, observed, repositories };
        },
        plan({ wanted: resolved, observed, repositories }) {
            const plan = makePlan(resolved, observed, repositories);
            return {
                plan: { wanted: resolved, plan },
                changes: changesOf(plan),
                deletions: deletionsOf(plan.repositories)
            };
        },
        apply({ wanted: resolved, plan }) {
            const readBackPaths = !paths.registryOverride && !paths.knownHost;
            return applyPlan(plan, {
                clients,
                wanted: resolved,
                log,
                waiting,
                concurrency,
                readBackPaths
            });
        },
        report({ wanted: resolved, plan }, applied) {
            const report = buildReport(resolved, plan, applied, paths);
            return { report, paths, summary: (0,summary/* renderSummary */.Br)(wanted, report) };
        }
    };
}
async function converge_converge(wanted, clients, options) {
    return (await convergeEdition(standardEdition(wanted, clients, options), options)).report;
}

;// CONCATENATED MODULE: ./src/standard/run.ts
// Sets up a standard edition run, as enterprise/run.ts does an instance's: the clients of the
// run's region and of each replication target, the wanted state, its edition and its docker
// login; main.ts runs it. It reads no environment (getInputs did).












/** Reads of something just created: the first try, then four more, waiting longer each time. */
const CONSISTENCY_TRIES = 5;
function wantedOf(inputs) {
    const settings = {
        ...(inputs.isPublic !== undefined ? { is_public: inputs.isPublic } : {}),
        ...(inputs.category !== undefined ? { category: inputs.category } : {}),
        ...(inputs.description ? { description: inputs.description } : {})
    };
    return {
        namespace: inputs.namespace,
        repositories: inputs.repositories,
        settings,
        onDrift: inputs.onDrift,
        ...(inputs.lifecycle.ensure === 'absent' ? { ensure: 'absent' } : {}),
        ...(inputs.lifecycle.prune.length > 0 ? { prune: inputs.lifecycle.prune } : {}),
        ...(inputs.retention ? { retention: inputs.retention } : {}),
        ...(inputs.shareWith ? { shareWith: inputs.shareWith } : {}),
        ...(inputs.replicateTo
            ? {
                replicateTo: inputs.replicateTo.map(({ region, namespace, registry }) => ({
                    region,
                    namespace,
                    registry
                })),
                replicateOverride: inputs.replicateOverride
            }
            : {}),
        ...(inputs.organizationPermissions
            ? { organizationPermissions: inputs.organizationPermissions }
            : {}),
        ...(inputs.repositoryPermissions ? { repositoryPermissions: inputs.repositoryPermissions } : {})
    };
}
/** SWR in the run's region (its management, sharing and auto-sync calls) and in each target's. */
function standardClients(inputs, credentials, swrApi, iamApi) {
    const swr = new SwrClient(swrApi(inputs.endpoint, credentials.authorize));
    const regional = new Map((inputs.replicateTo ?? []).map(t => [
        t.region,
        new SwrClient(swrApi(t.endpoint, credentials.authorizeIn(t.region)))
    ]));
    return {
        swr,
        access: new SwrAccessClient(swrApi(inputs.endpoint, credentials.authorize)),
        permissions: new permission_client/* SwrPermissionClient */.l3(swrApi(inputs.endpoint, credentials.authorize)),
        ...(inputs.iamEndpoint
            ? { iam: new iam_users/* IamUserDirectory */.M(iamApi(inputs.iamEndpoint, credentials.authorize)) }
            : {}),
        inRegion: (region) => {
            const client = regional.get(region);
            if (!client)
                throw new Error(`No SWR client for region ${region}: it is not in replicate_to`);
            return client;
        }
    };
}
function pathRulesOf(inputs) {
    const knownHost = (0,endpoints/* registryFromEndpoint */.fS)(inputs.endpoint);
    return {
        ...(inputs.registry ? { registryOverride: inputs.registry } : {}),
        ...(knownHost ? { knownHost } : {})
    };
}
async function dockerLogin(inputs, credentials, client) {
    const region = inputs.region; // checked by getInputs when docker_login_outputs is on
    if (!credentials.longTermKeys && inputs.dryRun) {
        (0,runner/* warning */.$e)('docker_login_outputs: the temporary login is issued by a POST request, which dry_run does not make; no login outputs were set.');
        return;
    }
    const login = credentials.longTermKeys
        ? longTermDockerLogin(region, credentials.longTermKeys.accessKeyId, credentials.longTermKeys.secretAccessKey)
        : await client.temporaryLogin(region);
    const temporary = !credentials.longTermKeys;
    (0,finish/* setLoginOutputs */.Qw)({ ...login, temporary, expirySource: 'X-Swr-Expireat header' }, `${temporary ? 'a temporary' : 'a long-term'} login`);
}
function standardRun(inputs, deps) {
    const { api, credentials, log, tuning } = deps;
    const clients = standardClients(inputs, credentials, (url, authorize) => api(url, swr_errors/* swrPolicy */.vX, authorize), (url, authorize) => api(url, swr_errors/* genericPolicy */.uy, authorize));
    const first = Math.max(1, tuning.retry.baseDelayMs);
    const waiting = {
        sleep: sleep,
        delays: Array.from({ length: CONSISTENCY_TRIES - 1 }, (_, i) => first * 2 ** i)
    };
    const edition = standardEdition(wantedOf(inputs), clients, {
        dryRun: inputs.dryRun,
        concurrency: tuning.concurrency,
        log,
        waiting,
        paths: pathRulesOf(inputs)
    });
    return {
        where: '',
        converge: options => (0,src_edition/* converge */.c)(edition, options),
        dockerLogin: () => dockerLogin(inputs, credentials, clients.swr)
    };
}

;// CONCATENATED MODULE: ./src/main.ts
// Wires the layers together: inputs -> masks -> credentials -> an edition (standard/run.ts or
// enterprise/run.ts) -> one converge -> outputs, log and summary. The only module that reads
// process.env.













const USER_AGENT = 'create-swr-repository-action';
/**
 * huaweicloud/auth-action exports the region masked, and GitHub then masks every output that
 * contains it and drops such outputs from a job's outputs. Within the job they still work.
 */
function maskedRegionWarning(region) {
    return `The region (${region}) comes from HUAWEI_CLOUD_REGION, which huaweicloud/auth-action registers as a secret: GitHub masks it in the outputs that contain it (path, paths, registry, replica_paths) and leaves them out of the job's outputs. Steps of this job can use them as they are; to hand a path to another job, output namespace and repository and build the path there with the region from a configuration variable (see Troubleshooting in the README).`;
}
/**
 * Connections to open at once, so that their handshakes overlap other work: the pool's for a
 * batch (read with one list while they open), one while OpenID Connect exchanges its token.
 */
function connectionsToWarm(inputs, concurrency) {
    if (inputs.repositories.length >= LIST_FROM)
        return Math.min(concurrency, inputs.repositories.length);
    return inputs.credentials.kind === 'oidc' ? 1 : 0;
}
async function run(env = process.env) {
    // Every value that may be a secret is masked before anything can fail and print.
    for (const secret of (0,credential_inputs/* secretValues */.V)(env))
        (0,runner/* setSecret */.Pq)(secret);
    let transport;
    let plan;
    let credentialsUsed = '';
    try {
        const inputs = (0,github_inputs/* getInputs */.GP)(env);
        const tuning = (0,github_inputs/* tuningFromEnv */.N$)(env);
        if (inputs.regionFromEnvironment)
            (0,runner/* warning */.$e)(maskedRegionWarning(inputs.region));
        for (const name of inputs.duplicates) {
            (0,runner/* warning */.$e)(`Input "repository" names "${name}" more than once; it is handled once.`);
        }
        const log = { info: runner/* info */.pq, warning: runner/* warning */.$e, group: runner/* group */.Os, debug: (0,runner/* isDebug */._o)(env) ? runner/* debug */.Yz : () => undefined };
        transport = new Transport({
            timeoutMs: tuning.timeoutMs,
            maxSockets: tuning.concurrency,
            userAgent: USER_AGENT
        });
        const warm = connectionsToWarm(inputs, tuning.concurrency);
        if (warm > 0)
            void transport.preconnect(inputs.endpoint, warm).catch(() => undefined);
        const deadline = Date.now() + tuning.retry.budgetMs;
        plan = (0,finish/* planShower */.kN)(inputs.dryRun);
        // One for every client of the run: the first refusal of the credentials stops them all.
        const stop = {};
        const shared = {
            stop,
            transport,
            retry: tuning.retry,
            deadline,
            debug: log.debug
        };
        const api = (baseUrl, policy, authorize) => new Api({ baseUrl, policy, ...(authorize ? { authorize } : {}), ...shared });
        const credentials = await resolveCredentials(inputs.credentials, inputs.region, baseUrl => api(baseUrl, swr_errors/* genericPolicy */.uy), runner/* setSecret */.Pq);
        credentialsUsed = credentials.description;
        (0,runner/* info */.pq)(`Authenticating with ${credentials.description}; SWR API ${inputs.endpoint.href.replace(/\/$/, '')}`);
        const deps = { api, credentials, log, tuning };
        const edition = inputs.enterprise
            ? // Loaded only for an instance run: the common run need not compile it.
                await (await __nccwpck_require__.e(/* import() */ 73).then(__nccwpck_require__.bind(__nccwpck_require__, 6073))).enterpriseRun(inputs, inputs.enterprise, deps)
            : standardRun(inputs, deps);
        await provision(inputs, edition, plan, stop);
    }
    catch (err) {
        if (err instanceof errors/* CredentialsRefused */.Rl) {
            if (!plan?.shown)
                (0,runner/* info */.pq)(log/* NOTHING_PLANNED */.LM);
            (0,runner/* setFailed */.C1)(`${err.message}${credentialsUsed ? ` The credentials used: ${credentialsUsed}.` : ''}`);
        }
        else {
            (0,runner/* setFailed */.C1)((0,values/* messageOf */.bD)(err));
        }
    }
    finally {
        transport?.close();
    }
}
/** One converge pass of either edition, then its outputs, log, summary and docker login. */
async function provision(inputs, edition, plan, stop) {
    const title = (0,log/* groupTitle */.SZ)(inputs.namespace, inputs.repositories, inputs.dryRun, edition.where, inputs.lifecycle);
    const reported = await (0,runner/* group */.Os)(title, async () => {
        const result = await edition.converge({
            dryRun: inputs.dryRun,
            onPlan: changes => plan.show(changes),
            maxDeletions: inputs.lifecycle.maxDeletions
        });
        (0,finish/* logReport */.TO)(result.report);
        return result;
    });
    // Credentials refused half-way: what was done is reported, and the refusal is the one error.
    (0,finish/* publishReport */.S3)(reported.report, reported.paths, reported.summary, stop.refused);
    if (stop.refused)
        throw stop.refused;
    if (inputs.dockerLoginOutputs)
        await edition.dockerLogin(reported);
}


/***/ }),

/***/ 9537:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   P: () => (/* binding */ mapPool)
/* harmony export */ });
/**
 * Runs fn over items with at most `limit` at once; results keep the order of items. Once one
 * call throws, no further item is started, and the first error is thrown.
 */
async function mapPool(items, limit, fn) {
    const results = new Array(items.length);
    let next = 0;
    let failed = false;
    const worker = async () => {
        while (next < items.length && !failed) {
            const index = next++;
            try {
                results[index] = await fn(items[index], index);
            }
            catch (err) {
                failed = true;
                throw err;
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    return results;
}


/***/ }),

/***/ 665:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   F: () => (/* binding */ accessAction),
/* harmony export */   p: () => (/* binding */ planOutput)
/* harmony export */ });
/** The `plan` output: the changes alone, as plain objects. */
function planOutput(changes) {
    return changes.map(({ resource, name, action, before, after, reason, region }) => ({
        resource,
        name,
        ...(region ? { region } : {}),
        action,
        before,
        after,
        reason
    }));
}
const DONE = {
    create: 'created',
    update: 'updated',
    replace: 'replaced',
    delete: 'removed'
};
function accessAction(record) {
    if (!record)
        return 'unchanged';
    if (record.outcome === 'planned')
        return `would ${record.action === 'delete' ? 'remove' : record.action}`;
    if (record.outcome === 'skipped')
        return 'skipped';
    return record.outcome === 'done' || record.outcome === 'found done'
        ? DONE[record.action]
        : 'failed';
}


/***/ }),

/***/ 477:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   i: () => (/* binding */ prunedMatches)
/* harmony export */ });
/* unused harmony export patternRegExp */
// Which repositories a prune pattern takes: the glob syntax lifecycle-inputs.ts checks, as a
// regular expression, and the matches in an organization's (namespace's) list. Both editions
// read their lists through this. Pure.
/**
 * The regular expression a prune pattern stands for: "*" is any run of characters but "/",
 * "**" any number of whole segments (so "a/**" matches "a/b/c" but not "a" itself).
 */
function patternRegExp(pattern) {
    const segments = pattern.split('/').map(segment => segment === '**'
        ? '**'
        : segment
            .split('*')
            .map(part => part.replace(/[.]/g, '\\.'))
            .join('[^/]*'));
    let source = '';
    segments.forEach((segment, i) => {
        const last = i === segments.length - 1;
        if (segment === '**')
            source += last ? '.+' : '(?:[^/]+/)*';
        else
            source += segment + (last ? '' : '/');
    });
    return new RegExp(`^${source}$`);
}
/**
 * The repositories of `names` that a prune pattern matches and `listed` does not name, in name
 * order, each with the first pattern that matches it.
 */
function prunedMatches(names, listed, prune) {
    const patterns = prune.map(pattern => ({ pattern, regex: patternRegExp(pattern) }));
    const kept = new Set(listed);
    return [...names]
        .filter(name => !kept.has(name))
        .sort()
        .flatMap(repository => {
        const match = patterns.find(p => p.regex.test(repository));
        return match ? [{ repository, pattern: match.pattern }] : [];
    });
}


/***/ }),

/***/ 650:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   AH: () => (/* binding */ REGION_RULE),
/* harmony export */   L5: () => (/* binding */ isValidRegion),
/* harmony export */   N2: () => (/* binding */ regionalEndpoint),
/* harmony export */   UL: () => (/* binding */ regionFromEndpoint),
/* harmony export */   Vm: () => (/* binding */ defaultRegistry),
/* harmony export */   cW: () => (/* binding */ isLoopbackHost),
/* harmony export */   cq: () => (/* binding */ defaultIamEndpoint),
/* harmony export */   fS: () => (/* binding */ registryFromEndpoint),
/* harmony export */   rk: () => (/* binding */ defaultApiEndpoint),
/* harmony export */   zw: () => (/* binding */ isDefaultApiEndpoint)
/* harmony export */ });
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7030);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_net__WEBPACK_IMPORTED_MODULE_0__);

// Default endpoints per region, as the official SDK's region table has them: every region
// lives under myhuaweicloud.com except eu-west-101, which is on the .eu domain.
const REGION = /^[a-z]{2}(?:-[a-z0-9]+)+$/;
const REGION_RULE = 'a region id such as cn-north-4, ap-southeast-1, eu-west-101 or eu-de: lowercase letters and digits in parts joined by "-"';
function isValidRegion(region) {
    return REGION.test(region);
}
function domainOf(region) {
    return region === 'eu-west-101' ? 'myhuaweicloud.eu' : 'myhuaweicloud.com';
}
function defaultApiEndpoint(region) {
    return `https://swr-api.${region}.${domainOf(region)}`;
}
function defaultIamEndpoint(region) {
    return `https://iam.${region}.${domainOf(region)}`;
}
/** The registry host of a region's default endpoint: swr.{region}.{domain}. */
function defaultRegistry(region) {
    return `swr.${region}.${domainOf(region)}`;
}
/** Whether the endpoint is the one defaultApiEndpoint(region) gives, however it was spelled. */
function isDefaultApiEndpoint(endpoint, region) {
    const standard = new URL(defaultApiEndpoint(region));
    return endpoint.origin === standard.origin && ['', '/'].includes(endpoint.pathname);
}
/**
 * Another region's endpoint of a custom deployment: the same URL with the label naming the
 * source region replaced (swr-api.eu-de.example.com to swr-api.eu-nl.example.com). Undefined
 * when the host holds that label other than exactly once, since then no part of it is known to
 * name the region, and for a loopback host, which serves whatever region a test makes it.
 */
function regionalEndpoint(endpoint, from, to) {
    if (isLoopbackHost(endpoint.hostname))
        return undefined;
    const labels = endpoint.hostname.split('.');
    const at = labels.indexOf(from);
    if (at < 0 || labels.lastIndexOf(from) !== at)
        return undefined;
    labels[at] = to;
    const moved = new URL(endpoint.href);
    moved.hostname = labels.join('.');
    return moved;
}
/** swr-api.X → swr.X; undefined when the API host does not follow that convention. */
function registryFromEndpoint(endpoint) {
    const host = endpoint.hostname;
    return host.startsWith('swr-api.') ? `swr.${host.slice('swr-api.'.length)}` : undefined;
}
/** The region in a conventional API host (swr-api.{region}.…), for a custom endpoint. */
function regionFromEndpoint(endpoint) {
    const match = /^(?:swr-api|iam)\.([a-z0-9-]+)\./.exec(endpoint.hostname);
    return match?.[1] !== undefined && isValidRegion(match[1]) ? match[1] : undefined;
}
// Decided on the parsed address, never on a prefix: "127.attacker.example" is a public name.
// Built on first use, for an IPv6 address only: a run against a named host (every real one)
// or an IPv4 address never loads it.
let loopback;
function loopbackList() {
    if (!loopback) {
        loopback = new node_net__WEBPACK_IMPORTED_MODULE_0__.BlockList();
        loopback.addSubnet('127.0.0.0', 8, 'ipv4');
        loopback.addAddress('::1', 'ipv6');
    }
    return loopback;
}
/** 127.0.0.0/8, ::1 (IPv4-mapped forms included) or exactly "localhost"; IPv6 may be bracketed. */
function isLoopbackHost(hostname) {
    const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (host === 'localhost')
        return true;
    const family = (0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(host);
    // isIP takes an IPv4 address only as four decimal parts without leading zeros, so its first
    // part is the first octet as written.
    if (family === 4)
        return host.startsWith('127.');
    return family === 6 && loopbackList().check(host, 'ipv6');
}


/***/ }),

/***/ 6757:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Lp: () => (/* binding */ CODES),
/* harmony export */   Ot: () => (/* binding */ isCrossAccount),
/* harmony export */   aE: () => (/* binding */ isSwrNotFound),
/* harmony export */   fm: () => (/* binding */ permissionHint),
/* harmony export */   hM: () => (/* binding */ isOrganizationNotFound),
/* harmony export */   uy: () => (/* binding */ genericPolicy),
/* harmony export */   vX: () => (/* binding */ swrPolicy)
/* harmony export */ });
/* unused harmony export refusesCredentials */
const SWR = 'SVCSTG.SWR.';
const CODES = {
    organizationNotFound: [`${SWR}4040058`, `${SWR}4041061`],
    retentionNotFound: `${SWR}4000306`,
    sharingNotFound: `${SWR}4001090`,
    syncRuleNotFound: `${SWR}4001158`,
    crossAccount: `${SWR}4011064`,
    tokenExpired: `${SWR}4010000`,
    busy: `${SWR}4090023`,
    throttled: [`${SWR}4031032`, `${SWR}4031042`, 'APIGW.0308'],
    organizationQuota: `${SWR}4000097`,
    repositoryQuota: [`${SWR}4000098`, `${SWR}5007019`],
    noSuchUrl: `${SWR}4040083`,
    /** 406: a repository that holds images cannot be deleted (the older OTC reference). */
    repositoryHasImages: `${SWR}4060012`
};
const THROTTLED_WORDS = /throttl|rate ?limit|too many requests|flow control/i;
function isThrottled(status, error) {
    if (status === 429)
        return true;
    if (CODES.throttled.includes(error.code ?? ''))
        return true;
    return status === 403 && !error.code?.startsWith(SWR) && THROTTLED_WORDS.test(error.message ?? '');
}
function isQuota(error) {
    const code = error.code ?? '';
    return (code === CODES.organizationQuota || CODES.repositoryQuota.includes(code));
}
/**
 * SWR's own "not found": a 404 with an SWR not-found code. The gateway's 404 (no such API) and
 * SWR's "URL not found" (4040083) say nothing about what was asked for.
 */
function isSwrNotFound(answer) {
    const code = answer.error.code ?? '';
    return answer.status === 404 && code.startsWith(`${SWR}404`) && code !== CODES.noSuchUrl;
}
/** A not-found answer that names the organization, not the thing asked for. */
function isOrganizationNotFound(answer) {
    return (answer.status === 404 &&
        CODES.organizationNotFound.includes(answer.error.code ?? ''));
}
function isCrossAccount(error) {
    return error.code === CODES.crossAccount;
}
// The API gateway's codes for authentication information it cannot accept (its published
// error-code table: 0301 IAM, 0303 app, 0305 other authentication information, 0307 a token to
// be renewed, 0311 debugging authentication information). Dedicated gateways spell them APIG.
const GATEWAY_AUTHENTICATION = /^APIGW?\.03(01|03|05|07|11)$/;
const GATEWAY_AUTHENTICATION_WORDS = /^incorrect (iam )?authentication information/i;
/**
 * An answer that refuses the credentials themselves: any 401 but SWR's "another account's
 * organization" (4011064, which concerns one organization), and a 403 that carries one of the
 * gateway's authentication codes or words. SWR's own 403 codes are permissions, and stay
 * with the request that got them.
 */
function refusesCredentials(status, error) {
    if (status === 401)
        return !isCrossAccount(error);
    if (status !== 403)
        return false;
    return (GATEWAY_AUTHENTICATION.test(error.code ?? '') ||
        GATEWAY_AUTHENTICATION_WORDS.test(error.message ?? ''));
}
/** What the refusal means, from the gateway's words (docs/swr-service.md, "Refused credentials"). */
function refusalHint(error) {
    const words = error.message ?? '';
    const clock = "If the keys are right, check the runner's clock: a signature more than 15 minutes off is refused.";
    if (/failed to reach the limit|locked/i.test(words)) {
        return 'The gateway locked this access key after repeated failed signatures: it unlocks by itself after about 5 minutes. Fix the secret access key first, or the next run locks it again.';
    }
    if (/id[_ ]token/i.test(words)) {
        return "IAM refused the workflow's OpenID Connect token: check idp_id, and that the identity provider in IAM trusts this repository's tokens (its issuer, audience and mapping rules).";
    }
    if (/\bak\b.*not exist|access key.*(not exist|not found|invalid)/i.test(words)) {
        return 'The access key id is unknown to IAM: it was deleted or disabled, or belongs to another cloud. Check access_key_id (or the variable it came from).';
    }
    if (/security token|securitytoken/i.test(words)) {
        return 'The security token does not belong to these temporary keys or has expired: temporary keys last from 15 minutes to 24 hours. Get a fresh triple (access key id, secret access key, security token) in the job that runs this action.';
    }
    if (error.code === CODES.tokenExpired ||
        /^APIGW?\.0307$/.test(error.code ?? '') ||
        /token (expire|has expired)|decrypt token|token.*(invalid|scoped)/i.test(words)) {
        return "The IAM token has expired or is not valid in this region: a token is scoped to one region's project and lasts at most 24 hours. Run again to exchange a fresh OpenID Connect token, and check that region names the region of the endpoint.";
    }
    if (/signature/i.test(words)) {
        return `The secret access key does not match the access key id: check secret_access_key (or the variable it came from) for a wrong value or a stray space or line break. ${clock}`;
    }
    return `Check the access key id and secret access key (or the security token, or the OpenID Connect set-up). ${clock}`;
}
function hint(status, error, { baseUrl }) {
    if (isCrossAccount(error)) {
        return 'SWR says the organization belongs to another account: organization names are unique per region across all accounts, so choose another namespace.';
    }
    if (error.code === CODES.organizationQuota) {
        return 'The account has reached its quota of SWR organizations (five by default): use an existing organization as namespace, or delete an unused one (an organization must be empty to be deleted). The quotas and their use show in the SWR console and through GET /v2/manage/projects/{project_id}/quotas. Retrying cannot help.';
    }
    if (isQuota(error)) {
        return 'The account has reached its quota of SWR repositories: delete unused repositories or ask Huawei Cloud to raise the quota. Retrying cannot help.';
    }
    if (refusesCredentials(status, error))
        return refusalHint(error);
    if (status === 404 && (!(error.code ?? '').startsWith(SWR) || error.code === CODES.noSuchUrl)) {
        return `${baseUrl.origin} serves no SWR API at this path: check the endpoint and region inputs.`;
    }
    return undefined;
}
const swrPolicy = {
    isTransient(status, error) {
        if (isQuota(error))
            return false;
        if (isThrottled(status, error))
            return true;
        if (status === 409)
            return error.code === CODES.busy;
        return [500, 502, 503, 504].includes(status);
    },
    isRefusedUnprocessed(status, error) {
        return isThrottled(status, error) || (status === 409 && error.code === CODES.busy);
    },
    hint,
    refusesCredentials
};
/** For IAM and other services: the gateway's throttling and server errors are transient. */
const genericPolicy = {
    isTransient: (status, error) => isThrottled(status, error) || [500, 502, 503, 504].includes(status),
    isRefusedUnprocessed: (status, error) => isThrottled(status, error),
    hint: (status, error, context) => refusesCredentials(status, error) ? hint(status, error, context) : undefined,
    refusesCredentials
};
/** The 403 hint: the IAM action a call needs (README, "IAM permissions"). */
function permissionHint(permission) {
    return (answer) => answer.status === 403 && !isThrottled(answer.status, answer.error)
        ? `The IAM user or agency needs the SWR permission ${permission} (see "IAM permissions" in the README).`
        : undefined;
}


/***/ }),

/***/ 1952:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   M: () => (/* binding */ IamUserDirectory),
/* harmony export */   i: () => (/* binding */ USER_ID)
/* harmony export */ });
/* harmony import */ var _values_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4777);
// IAM user ids for grants given by name (docs/swr-service.md, "Permissions of IAM users"):
// Keystone's GET /v3/users?name=... on the IAM endpoint, signed like every other call. The
// name filter is IAM's, which is not promised to be exact: the answer is filtered here, on the
// exact (case-sensitive) name. Each name is asked once per run.

/** IAM user ids: 32 hexadecimal characters, as IAM's user list shows them. */
const USER_ID = /^[0-9a-fA-F]{32}$/;
const refusedHint = (answer) => answer.status === 403
    ? 'Looking up IAM users needs the IAM permission iam:users:listUsers; without it, write the user as name:id (the id as the IAM console shows it), which needs no lookup.'
    : undefined;
/** The lookups of one run: one request per name, however many grants name it. */
class IamUserDirectory {
    api;
    lookups = new Map();
    constructor(api) {
        this.api = api;
    }
    /** The user of that exact name; throws when IAM has none, or refuses the lookup. */
    lookUp(name) {
        let lookup = this.lookups.get(name);
        if (!lookup) {
            lookup = this.fetch(name);
            this.lookups.set(name, lookup);
        }
        return lookup;
    }
    async fetch(name) {
        const operation = `look up IAM user "${name}"`;
        const { json } = await this.api.call({ operation, method: 'GET', path: '/v3/users', query: { name } }, { ok: [200], hint: refusedHint });
        if (!(0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .isObject */ .Gv)(json) || !Array.isArray(json['users'])) {
            throw new Error(`${operation} failed: the answer has no list of users`);
        }
        const found = json['users']
            .filter(_values_js__WEBPACK_IMPORTED_MODULE_0__/* .isObject */ .Gv)
            .filter(u => u['name'] === name && typeof u['id'] === 'string' && USER_ID.test(u['id']));
        if (found.length === 0)
            throw new Error(`no IAM user named "${name}" in this account`);
        if (found.length > 1) {
            throw new Error(`IAM has ${found.length} users named "${name}" in this account: write the user as name:id to choose one`);
        }
        return { id: String(found[0]?.['id']).toLowerCase(), name };
    }
}


/***/ }),

/***/ 5604:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   B3: () => (/* binding */ namespacePath),
/* harmony export */   Db: () => (/* binding */ ORGANIZATION_RULE),
/* harmony export */   Eb: () => (/* binding */ whyInvalid),
/* harmony export */   IV: () => (/* binding */ charactersAt),
/* harmony export */   R6: () => (/* binding */ CATEGORIES),
/* harmony export */   SA: () => (/* binding */ REPOSITORY_RULE),
/* harmony export */   W1: () => (/* binding */ nameProblems),
/* harmony export */   WE: () => (/* binding */ answeredOther),
/* harmony export */   ZZ: () => (/* binding */ listedRepositoryName),
/* harmony export */   bQ: () => (/* binding */ repositoryPathSegment),
/* harmony export */   de: () => (/* binding */ droppedNamesWarning),
/* harmony export */   ij: () => (/* binding */ repositoryNameProblems),
/* harmony export */   oi: () => (/* binding */ isValidRepositoryName),
/* harmony export */   q: () => (/* binding */ sameName),
/* harmony export */   xo: () => (/* binding */ organizationNameProblems),
/* harmony export */   zv: () => (/* binding */ REGISTRY_HOST),
/* harmony export */   zw: () => (/* binding */ checkedSegment)
/* harmony export */ });
/* unused harmony exports isValidOrganizationName, canonicalName */
/* harmony import */ var _values_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4777);
// SWR's name rules (docs/swr-service.md, "Names"). Checked before any request so a
// typo costs no round trip and gets a sentence instead of an opaque 400.

// Alphanumeric runs joined by one separator each; "__" is the only separator pair allowed.
const ORGANIZATION = /^[a-z][a-z0-9]*(?:(?:\.|-|_{1,2})[a-z0-9]+)*$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:\.|\/|-|_{1,2})[a-z0-9]+)*$/;
const ORGANIZATION_RULE = '1-64 characters: lowercase letters, digits, ".", "_" and "-"; it starts with a lowercase ' +
    'letter and ends with a letter or digit; ".", "_" and "-" may not stand next to each other, ' +
    'except up to two "_"';
const REPOSITORY_RULE = '1-128 characters: lowercase letters, digits, ".", "/", "_" and "-"; it starts and ends with ' +
    'a letter or digit; ".", "/", "_" and "-" may not stand next to each other, except up to two "_"';
function isValidOrganizationName(name) {
    return name.length >= 1 && name.length <= 64 && ORGANIZATION.test(name);
}
function isValidRepositoryName(name) {
    return name.length >= 1 && name.length <= 128 && REPOSITORY.test(name);
}
const ORGANIZATION_SHAPE = {
    max: 64,
    separators: '._-',
    pairs: ['__'],
    startsWithLetter: true,
    valid: isValidOrganizationName
};
const REPOSITORY_SHAPE = {
    max: 128,
    separators: '._/-',
    pairs: ['__'],
    startsWithLetter: false,
    valid: isValidRepositoryName
};
/**
 * Characters with their positions (from 1), for an error: '"A" at position 1',
 * '"A" at position 1 and "B" at position 4', or the first three and how many more.
 */
function charactersAt(found) {
    const shown = found.slice(0, 3).map(([c, i]) => `${(0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(c)} at position ${i}`);
    const more = found.length - shown.length;
    return more > 0 ? `${shown.join(', ')} and ${more} more` : (0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .andList */ .cM)(shown);
}
/**
 * What a name does wrong, one phrase each (positions count from 1), so that an error can say
 * more than the whole rule. Empty exactly when the name is valid.
 */
function nameProblems(name, shape) {
    if (name === '')
        return ['it is empty'];
    const problems = [];
    const chars = [...name];
    if (name.length > shape.max) {
        problems.push(`it is ${name.length} characters long, ${name.length - shape.max} more than the ${shape.max} allowed`);
    }
    const upper = chars.flatMap((c, i) => (/[A-Z]/.test(c) ? [[c, i + 1]] : []));
    const lower = name.replace(/[A-Z]/g, c => c.toLowerCase());
    if (upper.length > 0) {
        const use = shape.valid(lower) ? `; use ${(0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(lower)}` : '';
        problems.push(`${charactersAt(upper)} ${upper.length > 1 ? 'are' : 'is'} uppercase (names are lowercase${use})`);
    }
    const isSeparator = (c) => shape.separators.includes(c);
    const allowed = (c) => /^[a-z0-9]$/.test(c) || isSeparator(c);
    const seen = new Set();
    const foreign = [...lower].flatMap((c, i) => {
        if (allowed(c) || seen.has(c))
            return [];
        seen.add(c);
        return [[c, i + 1]];
    });
    if (foreign.length > 0) {
        problems.push(`${charactersAt(foreign)} ${foreign.length > 1 ? 'are' : 'is'} not allowed`);
    }
    const first = chars[0];
    const last = chars[chars.length - 1];
    if (isSeparator(first))
        problems.push(`it starts with ${(0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(first)}, a separator`);
    else if (shape.startsWithLetter && /[0-9]/.test(first)) {
        problems.push(`it starts with the digit ${(0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(first)}, not a letter`);
    }
    if (chars.length > 1 && isSeparator(last))
        problems.push(`it ends with ${(0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(last)}, a separator`);
    // Maximal runs of separators, each with the position of its first character.
    const lowerChars = [...lower];
    for (let i = 0; i < lowerChars.length;) {
        let j = i;
        while (j < lowerChars.length && isSeparator(lowerChars[j]))
            j++;
        const run = lowerChars.slice(i, j).join('');
        if (run.length > 1 && !shape.pairs.includes(run)) {
            const where = `${(0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(run)} at position ${i + 1}`;
            problems.push(/^_+$/.test(run) && shape.pairs.includes('__')
                ? `${where} is more than two "_" in a row`
                : `${where} puts separators next to each other`);
        }
        i = j > i ? j : i + 1;
    }
    return problems;
}
/** The reason for an input error about a name: what is wrong with it, then the whole rule. */
function whyInvalid(problems, rule) {
    return `${problems.join('; ')}; it must be ${rule}`;
}
const organizationNameProblems = (name) => nameProblems(name, ORGANIZATION_SHAPE);
const repositoryNameProblems = (name) => nameProblems(name, REPOSITORY_SHAPE);
const CATEGORIES = [
    'app_server',
    'linux',
    'framework_app',
    'database',
    'lang',
    'other',
    'windows',
    'arm'
];
/**
 * A repository's name as one URL path segment: "team/app" travels as "team$app" (the create
 * body keeps the raw name), the rest encoded, the "$" left as it is.
 */
function repositoryPathSegment(repository) {
    return encodeURIComponent(checkedSegment(repository).replace(/\//g, '$')).replace(/%24/g, '$');
}
/**
 * A name about to become one URL path segment: "", "." and ".." are refused, since a URL
 * resolves them and the request would reach another path (the organization's, the
 * namespace's). No valid name is one of them; this guards against a name the service answered.
 */
function checkedSegment(name) {
    if (name === '' || name === '.' || name === '..') {
        throw new Error(`The repository name ${JSON.stringify(name)} cannot be sent in a URL path (it would address another path); no request was sent for it.`);
    }
    return name;
}
/**
 * A repository name from a list answer, in the form the inputs use ("$" back to "/", case
 * kept), or undefined when it breaks the repository name rule: such an item is no repository
 * the action may match or delete (a ".." would address the organization's path, a line break
 * would forge an output line, an uppercase name would be folded onto another repository).
 */
function listedRepositoryName(answered) {
    const name = answered.replace(/\$/g, '/');
    return isValidRepositoryName(name) ? name : undefined;
}
/** The warning about list items dropped for their names, or undefined when none was. */
function droppedNamesWarning(where, dropped) {
    if (dropped.length === 0)
        return undefined;
    const shown = dropped.slice(0, 5).map(name => (0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(name, 100));
    const more = dropped.length > shown.length ? ` and ${dropped.length - shown.length} more` : '';
    const items = dropped.length === 1 ? 'an item' : `${dropped.length} items`;
    return `The list of the repositories of ${where} holds ${items} whose name is not a valid repository name: ${shown.join(', ')}${more}. ${dropped.length === 1 ? 'It is' : 'They are'} left alone: neither matched against prune nor deleted.`;
}
/** The path of an organization in SWR's management API. */
const namespacePath = (namespace) => `/v2/manage/namespaces/${encodeURIComponent(namespace)}`;
/**
 * A registry host as docker takes it: DNS labels, an optional port. Paths the service answers
 * are checked against it, as the registry input is.
 */
const REGISTRY_HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i;
/**
 * A name the service answered, in the form the inputs use: a "/" may come back as the "$" it
 * travels as in URL paths, and case says nothing (names are lowercase; the service is free to
 * fold them).
 */
const canonicalName = (name) => name.replace(/\$/g, '/').toLowerCase();
/** Whether a name the service answered is the name asked for. */
const sameName = (answered, asked) => canonicalName(answered) === canonicalName(asked);
/**
 * Why an answer is about something other than what was asked for, or undefined. A field the
 * answer leaves out cannot be checked; one it gives must name what was asked for, or the
 * answer (another organization's or repository's record) is not taken for it.
 */
function answeredOther(json, asked) {
    for (const [field, name] of Object.entries(asked)) {
        const value = json[field];
        if (value === undefined || value === null)
            continue;
        if (typeof value !== 'string' || !sameName(value, name)) {
            const shown = typeof value === 'string' ? (0,_values_js__WEBPACK_IMPORTED_MODULE_0__/* .quoted */ .TL)(value, 100) : typeof value;
            return `the answer is about ${field} ${shown}, not "${name}": it is not taken for what was asked`;
        }
    }
    return undefined;
}


/***/ }),

/***/ 3689:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   A_: () => (/* binding */ LEVELS),
/* harmony export */   NW: () => (/* binding */ isLevel),
/* harmony export */   l3: () => (/* binding */ SwrPermissionClient),
/* harmony export */   s: () => (/* binding */ sameId)
/* harmony export */ });
/* harmony import */ var _values_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(4777);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(6757);
/* harmony import */ var _names_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(5604);
// IAM users' grants on an organization or a repository (docs/swr-service.md, "Permissions of
// IAM users"): GET, POST, PATCH and DELETE on .../access, the bodies bare JSON arrays. SWR keeps
// a grant per user id and needs the user's name beside it; a delete names ids only.



/** SWR's levels and the `auth` values its API gives them (evidence §5: 7 manage, 3 write, 1 read). */
const LEVELS = { read: 1, write: 3, manage: 7 };
/** Whether text names a level: own keys only, so "constructor" or "__proto__" is none. */
const isLevel = (text) => Object.hasOwn(LEVELS, text);
/** Whether two IAM user ids are the same user: ids are hexadecimal, and case says nothing. */
const sameId = (a, b) => a.toLowerCase() === b.toLowerCase();
// OTC's error table: the organization's and a repository's "permission already exists" and
// "permission was not found" (evidence §5).
const EXISTS = ['SVCSTG.SWR.4090076', 'SVCSTG.SWR.4090089'];
const NOT_FOUND = ['SVCSTG.SWR.4040078', 'SVCSTG.SWR.4040091'];
const accessPath = (scope) => scope.repository === undefined
    ? `${(0,_names_js__WEBPACK_IMPORTED_MODULE_1__/* .namespacePath */ .B3)(scope.namespace)}/access`
    : `${(0,_names_js__WEBPACK_IMPORTED_MODULE_1__/* .namespacePath */ .B3)(scope.namespace)}/repos/${(0,_names_js__WEBPACK_IMPORTED_MODULE_1__/* .repositoryPathSegment */ .bQ)(scope.repository)}/access`;
const what = (scope) => scope.repository === undefined
    ? `organization "${scope.namespace}"`
    : `repository "${scope.namespace}/${scope.repository}"`;
/** An entry of the answer, kept only when it has the shape asked for: an id, a name, a level. */
function grantOf(item) {
    if (!(0,_values_js__WEBPACK_IMPORTED_MODULE_2__/* .isObject */ .Gv)(item))
        return undefined;
    const id = item['user_id'];
    const user = item['user_name'];
    const auth = Number(item['auth']);
    if (typeof id !== 'string' || !id || typeof user !== 'string')
        return undefined;
    return { id, user, auth: Number.isFinite(auth) ? auth : 0 };
}
/**
 * The 403 hint: only the organization's get and create actions are documented (evidence §8);
 * the others, and a repository's, are not published verbatim, so they are named by what they do.
 */
function needs(scope, verb) {
    if (scope.repository !== undefined) {
        const does = { get: 'read', create: 'grant', update: 'change', delete: 'remove' }[verb];
        return (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .permissionHint */ .fm)(`to ${does} image permissions (SWR FullAccess has it)`);
    }
    if (verb === 'update' || verb === 'delete') {
        return (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .permissionHint */ .fm)(`the ${verb} action of organization permissions (see the IAM console; SWR FullAccess has it)`);
    }
    return (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .permissionHint */ .fm)(`swr:namespace:${verb}NamespaceAccess (SWR FullAccess has it)`);
}
const body = (grant) => [{ user_id: grant.id, user_name: grant.user, auth: grant.auth }];
const isGrantNotFound = (a) => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .isSwrNotFound */ .aE)(a) && NOT_FOUND.includes(a.error.code ?? '');
class SwrPermissionClient {
    api;
    constructor(api) {
        this.api = api;
    }
    /** 'missing' when the organization or repository does not show (not yet, or not at all). */
    async readGrants(scope) {
        const operation = `read the IAM user permissions of ${what(scope)}`;
        const answer = await this.api.call({ operation, method: 'GET', path: accessPath(scope) }, {
            ok: [200],
            accept: a => (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .isSwrNotFound */ .aE)(a) && !isGrantNotFound(a),
            hint: needs(scope, 'get')
        });
        if (answer.asError)
            return 'missing';
        const json = answer.json;
        if (!(0,_values_js__WEBPACK_IMPORTED_MODULE_2__/* .isObject */ .Gv)(json))
            throw new Error(`${operation} failed: the answer is not an object`);
        // `name` is the organization's; for a repository the SDKs' field says "organization name"
        // too, where the emulator answers the repository's: either is taken, nothing else.
        const other = (0,_names_js__WEBPACK_IMPORTED_MODULE_1__/* .answeredOther */ .WE)(json, { name: scope.repository ?? scope.namespace });
        const organizationsName = scope.repository !== undefined && !(0,_names_js__WEBPACK_IMPORTED_MODULE_1__/* .answeredOther */ .WE)(json, { name: scope.namespace });
        if (other && !organizationsName)
            throw new Error(`${operation} failed: ${other}`);
        const self = grantOf(json['self_auth']);
        // The SDKs mark others_auths optional: missing or null is nobody else.
        const listed = json['others_auths'] ?? [];
        if (!Array.isArray(listed)) {
            throw new Error(`${operation} failed: the answer's others_auths is ${typeof listed}, not a list of users`);
        }
        // The caller's own entry may be listed among the others too (the API reference's example).
        const others = listed
            .map(grantOf)
            .filter((g) => g !== undefined && !(self && sameId(g.id, self.id)));
        return { ...(self ? { self } : {}), others };
    }
    /**
     * 'absent' when the organization or repository does not show yet (right after its creation);
     * 'exists' when SWR answers 409: the user has a grant already (another run), at a level for
     * the caller to read back; 'exists, ours' when that 409 follows this run's own attempt whose
     * answer was lost (most likely that attempt made it): read back too, but this run's create.
     */
    async createGrant(scope, grant) {
        const answer = await this.api.call({
            operation: `grant IAM user ${(0,_values_js__WEBPACK_IMPORTED_MODULE_2__/* .quoted */ .TL)(grant.user, 64)} on ${what(scope)}`,
            method: 'POST',
            path: accessPath(scope),
            body: body(grant)
        }, {
            // 200 for an organization, 201 for a repository in the API reference; either may come.
            ok: [200, 201],
            accept: a => a.status === 409 || ((0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .isSwrNotFound */ .aE)(a) && !isGrantNotFound(a)),
            readBack: async () => {
                const read = await this.readGrants(scope);
                return read !== 'missing' && read.others.some(g => sameId(g.id, grant.id));
            },
            hint: needs(scope, 'create')
        });
        if (answer.status === 409) {
            if (answer.error.code && !EXISTS.includes(answer.error.code) && answer.asError) {
                throw answer.asError;
            }
            return answer.afterLostAttempt ? 'exists, ours' : 'exists';
        }
        return answer.asError ? 'absent' : 'created';
    }
    async updateGrant(scope, grant) {
        await this.api.call({
            operation: `change the level of IAM user ${(0,_values_js__WEBPACK_IMPORTED_MODULE_2__/* .quoted */ .TL)(grant.user, 64)} on ${what(scope)}`,
            method: 'PATCH',
            path: accessPath(scope),
            body: body(grant)
        }, {
            ok: [200, 201, 204],
            hint: needs(scope, 'update')
        });
    }
    /** A grant that is already gone counts as removed. */
    async deleteGrant(scope, grant) {
        await this.api.call({
            // The name is SWR's: quoted as one line.
            operation: `remove IAM user ${(0,_values_js__WEBPACK_IMPORTED_MODULE_2__/* .quoted */ .TL)(grant.user, 64)} from ${what(scope)}`,
            method: 'DELETE',
            path: accessPath(scope),
            body: [grant.id]
        }, {
            ok: [200, 204],
            accept: isGrantNotFound,
            hint: needs(scope, 'delete')
        });
    }
}


/***/ }),

/***/ 4777:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Gv: () => (/* binding */ isObject),
/* harmony export */   TL: () => (/* binding */ quoted),
/* harmony export */   TN: () => (/* binding */ oneLine),
/* harmony export */   aQ: () => (/* binding */ hasControl),
/* harmony export */   bD: () => (/* binding */ messageOf),
/* harmony export */   cM: () => (/* binding */ andList)
/* harmony export */ });
// Small readers of untyped values, and a list for a sentence, shared by every layer.
/** A JSON object: not null, not an array. */
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** An error's message, or the thrown value as text. */
function messageOf(err) {
    return err instanceof Error ? err.message : String(err);
}
/** Items for a sentence: "a", "a and b", "a, b and c". */
function andList(items) {
    if (items.length < 2)
        return items.join('');
    return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
// Control characters (the tab aside), DEL and the C1 controls, and Unicode's line and paragraph
// separators: none belongs in a name, a path or a message, and a line break in text from the
// service would let it start a line of its own in the log (a workflow command) or an output.
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Whether text holds a control character or a line break. */
function hasControl(text) {
    return new RegExp(CONTROL.source).test(text);
}
/** Text as one line: each control character shown as an escape (\n, \r, \u001b). */
function oneLine(text) {
    return text.replace(CONTROL, c => c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
/**
 * A value from the service, for a message: one line, at most `max` characters, in quotes. The
 * service's text is data: it may be long, and it may hold line breaks meant to start commands.
 */
function quoted(text, max = 200) {
    const line = oneLine(text);
    return `"${line.length > max ? `${line.slice(0, max)}…` : line}"`;
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 5317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 3557:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 9783:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   s: () => (/* binding */ getProxyUrl)
/* harmony export */ });
/* unused harmony export checkBypass */
function getProxyUrl(reqUrl) {
    const usingSsl = reqUrl.protocol === 'https:';
    if (checkBypass(reqUrl)) {
        return undefined;
    }
    const proxyVar = (() => {
        if (usingSsl) {
            return process.env['https_proxy'] || process.env['HTTPS_PROXY'];
        }
        else {
            return process.env['http_proxy'] || process.env['HTTP_PROXY'];
        }
    })();
    if (proxyVar) {
        try {
            return new DecodedURL(proxyVar);
        }
        catch (_a) {
            if (!proxyVar.startsWith('http://') && !proxyVar.startsWith('https://'))
                return new DecodedURL(`http://${proxyVar}`);
        }
    }
    else {
        return undefined;
    }
}
function checkBypass(reqUrl) {
    if (!reqUrl.hostname) {
        return false;
    }
    const reqHost = reqUrl.hostname;
    if (isLoopbackAddress(reqHost)) {
        return true;
    }
    const noProxy = process.env['no_proxy'] || process.env['NO_PROXY'] || '';
    if (!noProxy) {
        return false;
    }
    // Determine the request port
    let reqPort;
    if (reqUrl.port) {
        reqPort = Number(reqUrl.port);
    }
    else if (reqUrl.protocol === 'http:') {
        reqPort = 80;
    }
    else if (reqUrl.protocol === 'https:') {
        reqPort = 443;
    }
    // Format the request hostname and hostname with port
    const upperReqHosts = [reqUrl.hostname.toUpperCase()];
    if (typeof reqPort === 'number') {
        upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
    }
    // Compare request host against noproxy
    for (const upperNoProxyItem of noProxy
        .split(',')
        .map(x => x.trim().toUpperCase())
        .filter(x => x)) {
        if (upperNoProxyItem === '*' ||
            upperReqHosts.some(x => x === upperNoProxyItem ||
                x.endsWith(`.${upperNoProxyItem}`) ||
                (upperNoProxyItem.startsWith('.') &&
                    x.endsWith(`${upperNoProxyItem}`)))) {
            return true;
        }
    }
    return false;
}
function isLoopbackAddress(host) {
    const hostLower = host.toLowerCase();
    return (hostLower === 'localhost' ||
        hostLower.startsWith('127.') ||
        hostLower.startsWith('[::1]') ||
        hostLower.startsWith('[0:0:0:0:0:0:0:1]'));
}
class DecodedURL extends URL {
    constructor(url, base) {
        super(url, base);
        this._decodedUsername = decodeURIComponent(super.username);
        this._decodedPassword = decodeURIComponent(super.password);
    }
    get username() {
        return this._decodedUsername;
    }
    get password() {
        return this._decodedPassword;
    }
}
//# sourceMappingURL=proxy.js.map

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(9407);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 

//# sourceMappingURL=index.js.map
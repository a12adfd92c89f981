import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 9407:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8641);

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .eF)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 8641:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  eF: () => (/* binding */ run)
});

// UNUSED EXPORTS: CONCURRENCY, retryPolicyFromEnv

;// CONCATENATED MODULE: ./src/http/errors.ts
function fromObject(value) {
    if (Array.isArray(value))
        return value.length > 0 ? fromObject(value[0]) : undefined;
    if (typeof value !== 'object' || value === null)
        return undefined;
    const o = value;
    if (Array.isArray(o['errors']))
        return fromObject(o['errors']);
    if (typeof o['error'] === 'object' && o['error'] !== null)
        return fromObject(o['error']);
    // IAM's {"error":{"code":401,…}} repeats the HTTP status as a number: not a code worth showing.
    const rawCode = o['errorCode'] ?? o['error_code'] ?? o['code'];
    const code = typeof rawCode === 'number' ? undefined : rawCode;
    const message = o['errorMessage'] ?? o['error_msg'] ?? o['message'] ?? o['errorMsg'];
    if (code === undefined && message === undefined)
        return undefined;
    return {
        ...(code !== undefined ? { code: String(code) } : {}),
        ...(message !== undefined ? { message: String(message) } : {})
    };
}
/** The service's own code and message, from any known body shape, else from the raw text. */
function parseServiceError(body) {
    const text = body.trim();
    if (!text)
        return {};
    try {
        const parsed = fromObject(JSON.parse(text));
        if (parsed)
            return parsed;
    }
    catch {
        // not JSON: fall through to the text itself
    }
    if (/^<(!doctype|html)/i.test(text)) {
        const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
        return { message: `an HTML page${title ? ` titled "${title}"` : ''} instead of an API answer` };
    }
    return { message: text.length > 300 ? `${text.slice(0, 300)}…` : text };
}
function requestIdOf(response) {
    const id = response.headers['x-request-id'] ?? response.headers['x-openstack-request-id'];
    return Array.isArray(id) ? id[0] : id;
}
const BUSY = 'SVCSTG.SWR.4090023';
const THROTTLED = /throttl|rate ?limit|too many requests|flow control/i;
/** Answers that may succeed when asked again a little later. */
function isTransientAnswer(status, error) {
    if ([429, 500, 502, 503, 504].includes(status))
        return true;
    if (status === 409 && error.code === BUSY)
        return true;
    if (status === 403 && (error.code === 'APIGW.0308' || THROTTLED.test(error.message ?? '')))
        return true;
    return false;
}
function hintFor(status, error, permission) {
    if (status === 401) {
        return "Check the access key id and secret access key (or the security token, or the OpenID Connect set-up), and that the runner's clock is right: signatures more than 15 minutes off are rejected.";
    }
    if (status === 403 && !isTransientAnswer(status, error)) {
        return `The IAM user or agency needs the SWR permission ${permission ?? 'for this call'} (see "IAM permissions" in the README).`;
    }
    if (error.code === 'SVCSTG.SWR.4000097') {
        return 'The account has reached its quota of SWR organizations: reuse an existing organization or delete one.';
    }
    if (error.code === 'SVCSTG.SWR.5007019') {
        return 'The account has reached its quota of SWR repositories.';
    }
    return undefined;
}
/** An answer the action cannot go on from. The message quotes the service, never our request. */
class SwrApiError extends Error {
    operation;
    status;
    name = 'SwrApiError';
    code;
    requestId;
    constructor(operation, status, error, requestId, permission) {
        const hint = hintFor(status, error, permission);
        super(`${operation} failed: HTTP ${status}` +
            (error.code ? ` ${error.code}` : '') +
            (error.message ? `: ${error.message}` : '') +
            (requestId ? ` (request id ${requestId})` : '') +
            (hint ? `. ${hint}` : ''));
        this.operation = operation;
        this.status = status;
        this.code = error.code;
        this.requestId = requestId;
    }
}

;// CONCATENATED MODULE: ./src/http/retry.ts
// Exponential backoff with full jitter, bounded by attempts and by a total time budget.
const DEFAULT_RETRY_POLICY = {
    maxAttempts: 6,
    baseDelayMs: 500,
    maxDelayMs: 10_000,
    budgetMs: 90_000
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
/** A request that got no complete answer; retryable says whether trying again may help. */
class TransportError extends Error {
    code;
    retryable;
    name = 'TransportError';
    constructor(message, code, retryable) {
        super(message);
        this.code = code;
        this.retryable = retryable;
    }
}
function describe(err, url, timeoutMs) {
    const code = err.code ?? 'UNKNOWN';
    const where = `${url.protocol}//${url.host}`;
    if (TLS_TRUST_CODES.has(code)) {
        return new TransportError(`The TLS certificate of ${where} is not trusted (${code}: ${err.message}). If a TLS-inspecting proxy or a private CA is in the way, give its CA certificate to Node with NODE_EXTRA_CA_CERTS.`, code, false);
    }
    // The proxy tunnel reports the proxy's refusal of CONNECT only in its message.
    const refusal = /tunneling socket could not be established, statusCode=(\d+)/.exec(err.message);
    if (refusal) {
        const status = Number(refusal[1]);
        const hint = status === 407
            ? " (Proxy Authentication Required): put the proxy's credentials in its URL, https_proxy=http://user:password@host:port"
            : '';
        return new TransportError(`The proxy refused the tunnel to ${where} with HTTP ${status}${hint}`, code, status >= 500);
    }
    if (code === 'TIMEOUT') {
        return new TransportError(`No answer from ${where} within ${timeoutMs} ms`, code, true);
    }
    if (code === 'INCOMPLETE') {
        return new TransportError(`${where} closed the connection before the answer was complete`, code, true);
    }
    if (code === 'ENOTFOUND') {
        return new TransportError(`Cannot resolve ${url.hostname} (${code}): check region and endpoint`, code, false);
    }
    return new TransportError(`Request to ${where} failed: ${code} ${err.message}`, code, RETRYABLE_CODES.has(code));
}
/**
 * The proxy a request to url goes through: https_proxy/HTTPS_PROXY (http_proxy for http URLs)
 * unless no_proxy/NO_PROXY lists the host; loopback hosts never use a proxy. These are the
 * runner's own rules, from @actions/http-client.
 */
function proxyFor(url) {
    return (0,proxy/* getProxyUrl */.s)(url);
}
class Transport {
    options;
    routes = new Map();
    disposers = [];
    /** Connections opened so far, for the debug log and the benchmark. */
    connections = 0;
    constructor(options) {
        this.options = options;
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
        this.disposers.push(() => agent.destroy());
        return { request: mod.request, agent };
    }
    async request(method, url, headers, body) {
        const { request, agent } = await this.route(url);
        const timeoutMs = this.options.timeoutMs;
        return new Promise((resolve, reject) => {
            let settled = false;
            const fail = (err) => {
                if (settled)
                    return;
                settled = true;
                reject(describe(err, url, timeoutMs));
            };
            const req = request({
                protocol: url.protocol,
                hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
                port: url.port || undefined,
                path: `${url.pathname}${url.search}`,
                method,
                agent,
                headers: {
                    ...headers,
                    'User-Agent': this.options.userAgent,
                    ...(body ? { 'Content-Length': String(Buffer.byteLength(body)) } : {})
                }
            }, res => {
                const chunks = [];
                res.on('data', (chunk) => chunks.push(chunk));
                res.on('error', fail);
                res.on('close', () => {
                    if (!res.complete)
                        fail(Object.assign(new Error('incomplete answer'), { code: 'INCOMPLETE' }));
                });
                res.on('end', () => {
                    if (settled)
                        return;
                    settled = true;
                    resolve({
                        status: res.statusCode ?? 0,
                        headers: res.headers,
                        body: Buffer.concat(chunks).toString('utf8')
                    });
                });
            });
            req.on('socket', () => {
                if (!req.reusedSocket)
                    this.connections++;
            });
            req.setTimeout(timeoutMs, () => {
                req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' }));
            });
            req.on('error', fail);
            req.end(body || undefined);
        });
    }
    close() {
        for (const dispose of this.disposers.splice(0))
            dispose();
        this.routes.clear();
    }
}

;// CONCATENATED MODULE: ./src/swr/names.ts
// SWR's name rules (../shared/swr-api-notes.md, "Name rules"). Checked before any request so a
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
/** "team/app" travels as "team$app" in URL paths; the create body keeps the raw name. */
function repositoryPathSegment(repository) {
    return repository.replace(/\//g, '$');
}

;// CONCATENATED MODULE: ./src/swr/client.ts




/** Sends calls with authentication, timeouts and retries of what is transient. */
class Api {
    options;
    sleep;
    random;
    constructor(options) {
        this.options = options;
        this.sleep = options.sleep ?? sleep;
        this.random = options.random ?? Math.random;
    }
    urlFor(spec) {
        const base = this.options.baseUrl;
        const url = new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}${spec.path}`);
        for (const [key, value] of Object.entries(spec.query ?? {}))
            url.searchParams.append(key, value);
        return url;
    }
    async call(spec) {
        const { retry, log, transport } = this.options;
        const url = this.urlFor(spec);
        const body = spec.body === undefined ? '' : JSON.stringify(spec.body);
        const started = Date.now();
        for (let attempt = 1;; attempt++) {
            const headers = {
                'Content-Type': 'application/json;charset=utf-8',
                ...spec.headers
            };
            const signed = this.options.authorize
                ? this.options.authorize({ method: spec.method, url, headers, body })
                : headers;
            const sentAt = Date.now();
            let failure;
            let waitAtLeast = 0;
            try {
                const response = await transport.request(spec.method, url, signed, body);
                const status = response.status;
                log.debug(`${spec.method} ${url.pathname}${url.search} -> ${status} in ${Date.now() - sentAt} ms`);
                if (spec.ok.includes(status)) {
                    const json = parseJson(response.body);
                    // Every read answers with JSON: an empty or cut body (a proxy's page, a dropped
                    // connection) is worth asking again. Writes may answer with nothing.
                    if (spec.method !== 'GET' || (json !== INVALID && json !== undefined)) {
                        return { status, response, json: json === INVALID ? undefined : json };
                    }
                    failure = new SwrApiError(spec.operation, status, {
                        message: `the answer is not valid JSON: ${describeBody(response.body)}`
                    }, requestIdOf(response));
                }
                else {
                    const error = parseServiceError(response.body);
                    const apiError = new SwrApiError(spec.operation, status, error, requestIdOf(response), spec.permission);
                    if (!isTransientAnswer(status, error)) {
                        if (spec.expected?.includes(status))
                            return { status, response, json: undefined };
                        throw apiError;
                    }
                    failure = apiError;
                    waitAtLeast = parseRetryAfter(response.headers['retry-after']) ?? 0;
                }
            }
            catch (err) {
                if (!(err instanceof TransportError))
                    throw err;
                log.debug(`${spec.method} ${url.pathname}${url.search} -> ${err.code} after ${Date.now() - sentAt} ms`);
                failure = new Error(`${spec.operation} failed: ${err.message}`, { cause: err });
                if (!err.retryable)
                    throw failure;
            }
            const delay = Math.max(waitAtLeast, backoffDelay(attempt, retry, this.random));
            const elapsed = Date.now() - started;
            if (attempt >= retry.maxAttempts || elapsed + delay > retry.budgetMs) {
                failure.message += ` (gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} in ${Math.round(elapsed / 100) / 10} s)`;
                throw failure;
            }
            log.debug(`${spec.operation}: retrying in ${delay} ms (attempt ${attempt + 1} of ${retry.maxAttempts})`);
            await this.sleep(delay);
        }
    }
}
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
function describeBody(body) {
    const text = body.trim();
    if (!text)
        return 'an empty body';
    const error = parseServiceError(text);
    return error.message ?? `${text.slice(0, 120)}`;
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** The SWR management API calls this action uses (../shared/swr-api-notes.md). */
class SwrClient {
    api;
    constructor(api) {
        this.api = api;
    }
    repoPath(namespace, repository) {
        return `/v2/manage/namespaces/${encodeURIComponent(namespace)}/repos/${encodeURIComponent(repositoryPathSegment(repository)).replace(/%24/g, '$')}`;
    }
    async getNamespace(namespace) {
        const { status, json } = await this.api.call({
            operation: `read organization "${namespace}"`,
            method: 'GET',
            path: `/v2/manage/namespaces/${encodeURIComponent(namespace)}`,
            ok: [200],
            expected: [404],
            permission: 'swr:namespace:getNamespace'
        });
        if (status === 404)
            return null;
        if (!isObject(json))
            throw new Error(`read organization "${namespace}" failed: the answer has no organization`);
        return {
            name: String(json['name'] ?? namespace),
            ...(typeof json['auth'] === 'number' ? { auth: json['auth'] } : {})
        };
    }
    async createNamespace(namespace) {
        const { status } = await this.api.call({
            operation: `create organization "${namespace}"`,
            method: 'POST',
            path: '/v2/manage/namespaces',
            body: { namespace },
            ok: [200, 201, 202],
            expected: [409],
            permission: 'swr:namespace:createNamespace'
        });
        return status === 409 ? 'exists' : 'created';
    }
    async getRepository(namespace, repository) {
        const operation = `read repository "${namespace}/${repository}"`;
        const { status, json } = await this.api.call({
            operation,
            method: 'GET',
            path: this.repoPath(namespace, repository),
            ok: [200],
            expected: [404],
            permission: 'swr:repo:getRepo'
        });
        if (status === 404)
            return null;
        if (!isObject(json) || typeof json['is_public'] !== 'boolean') {
            throw new Error(`${operation} failed: the answer is not a repository (no is_public field)`);
        }
        return {
            name: String(json['name'] ?? repository),
            category: String(json['category'] ?? ''),
            description: String(json['description'] ?? ''),
            is_public: json['is_public'],
            ...(typeof json['path'] === 'string' && json['path'] ? { path: json['path'] } : {})
        };
    }
    async createRepository(namespace, repository, settings) {
        const { status } = await this.api.call({
            operation: `create repository "${namespace}/${repository}"`,
            method: 'POST',
            path: `/v2/manage/namespaces/${encodeURIComponent(namespace)}/repos`,
            body: { repository, ...settings },
            ok: [200, 201, 202],
            expected: [404, 409],
            permission: 'swr:repo:createRepo'
        });
        return status === 404 ? 'namespace-missing' : status === 409 ? 'exists' : 'created';
    }
    async updateRepository(namespace, repository, settings) {
        await this.api.call({
            operation: `update repository "${namespace}/${repository}"`,
            method: 'PATCH',
            path: this.repoPath(namespace, repository),
            body: settings,
            ok: [200, 201, 204],
            permission: 'swr:repo:updateRepo'
        });
    }
    async listRetentions(namespace, repository) {
        const operation = `read retention policies of "${namespace}/${repository}"`;
        const { json } = await this.api.call({
            operation,
            method: 'GET',
            path: `${this.repoPath(namespace, repository)}/retentions`,
            ok: [200]
        });
        if (json === undefined)
            return [];
        if (!Array.isArray(json))
            throw new Error(`${operation} failed: the answer is not a list`);
        return json.filter(isObject).map(policy => ({
            id: Number(policy['id']),
            algorithm: String(policy['algorithm'] ?? 'or'),
            rules: Array.isArray(policy['rules']) ? policy['rules'] : []
        }));
    }
    async createRetention(namespace, repository, rules) {
        await this.api.call({
            operation: `create retention policy of "${namespace}/${repository}"`,
            method: 'POST',
            path: `${this.repoPath(namespace, repository)}/retentions`,
            body: { algorithm: 'or', rules },
            ok: [200, 201]
        });
    }
    async updateRetention(namespace, repository, id, rules) {
        await this.api.call({
            operation: `update retention policy ${id} of "${namespace}/${repository}"`,
            method: 'PATCH',
            path: `${this.repoPath(namespace, repository)}/retentions/${id}`,
            body: { algorithm: 'or', rules },
            ok: [200, 201, 204]
        });
    }
    async deleteRetention(namespace, repository, id) {
        await this.api.call({
            operation: `delete retention policy ${id} of "${namespace}/${repository}"`,
            method: 'DELETE',
            path: `${this.repoPath(namespace, repository)}/retentions/${id}`,
            ok: [200, 204],
            expected: [404]
        });
    }
    /** The temporary (6 h) docker login the service issues for the caller's credentials. */
    async temporaryLogin(region) {
        const operation = 'get a temporary docker login';
        const { json } = await this.api.call({
            operation,
            method: 'POST',
            path: '/v2/manage/utils/secret',
            query: { projectname: region },
            ok: [200, 201]
        });
        const auths = isObject(json) && isObject(json['auths']) ? json['auths'] : undefined;
        const [registry, entry] = Object.entries(auths ?? {})[0] ?? [];
        const auth = isObject(entry) && typeof entry['auth'] === 'string' ? entry['auth'] : undefined;
        const decoded = auth ? Buffer.from(auth, 'base64').toString('utf8') : '';
        const colon = decoded.indexOf(':');
        if (!registry || colon < 1)
            throw new Error(`${operation} failed: the answer has no auths entry`);
        return { registry, username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
;// CONCATENATED MODULE: ./src/http/signer.ts
// SDK-HMAC-SHA256 request signing, as the official Huawei Cloud SDKs do it
// (../shared/swr-api-notes.md, "AK/SK signing"). Tests check it against the official test
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

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./src/github/runner.ts
// The runner's workflow-command protocol, written to match @actions/core byte for byte
// (__tests__/runner.test.ts compares the two). @actions/core loads @actions/http-client and
// undici when imported, which costs ~90 ms and ~13 MB at every start; this action needs only
// the few commands below on its common path, and imports @actions/core lazily for OIDC.



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
function issueCommand(command, properties, message) {
    const props = Object.entries(properties)
        .map(([key, value]) => `${key}=${escapeProperty(value)}`)
        .join(',');
    process.stdout.write(`::${command}${props ? ' ' + props : ''}::${escapeData(message)}${external_node_os_namespaceObject.EOL}`);
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
function setOutput(name, value) {
    const file = process.env['GITHUB_OUTPUT'];
    if (file) {
        const delimiter = `ghadelimiter_${(0,external_node_crypto_.randomUUID)()}`;
        if (name.includes(delimiter) || value.includes(delimiter)) {
            throw new Error(`Unexpected input: output ${name} contains the delimiter ${delimiter}`);
        }
        (0,external_node_fs_namespaceObject.appendFileSync)(file, `${name}<<${delimiter}${external_node_os_namespaceObject.EOL}${value}${external_node_os_namespaceObject.EOL}${delimiter}${external_node_os_namespaceObject.EOL}`, 'utf8');
        return;
    }
    process.stdout.write(external_node_os_namespaceObject.EOL);
    issueCommand('set-output', { name }, value);
}
function isDebug() {
    return process.env['RUNNER_DEBUG'] === '1';
}
function debug(message) {
    issueCommand('debug', {}, redact(message));
}
function info(message) {
    process.stdout.write(redact(message) + external_node_os_namespaceObject.EOL);
}
function warning(message) {
    issueCommand('warning', {}, redact(message));
}
function error(message) {
    issueCommand('error', {}, redact(message));
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
const runnerLogger = { info, warning, debug, group };

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
        throw new Error(`Cannot get the OpenID Connect token from GitHub: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
}
async function resolveCredentials(inputs, region, makeApi) {
    if (inputs.kind === 'keys') {
        const keys = {
            accessKeyId: inputs.accessKeyId,
            secretAccessKey: inputs.secretAccessKey,
            ...(inputs.securityToken ? { securityToken: inputs.securityToken } : {})
        };
        return {
            authorize: request => signRequest(request, keys),
            ...(inputs.securityToken
                ? {}
                : {
                    longTermKeys: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey }
                }),
            description: `${inputs.securityToken ? 'temporary' : 'long-term'} access keys from ${inputs.source}`
        };
    }
    const idToken = await getIdToken(inputs.audience);
    setSecret(idToken);
    const { response } = await makeApi(inputs.iamEndpoint).call({
        operation: `exchange the OpenID Connect token at IAM (identity provider "${inputs.idpId}")`,
        method: 'POST',
        path: '/v3.0/OS-AUTH/id-token/tokens',
        body: { auth: { id_token: { id: idToken }, scope: { project: { name: region } } } },
        ok: [200, 201],
        headers: { 'X-Idp-Id': inputs.idpId }
    });
    const header = response.headers['x-subject-token'];
    const token = Array.isArray(header) ? header[0] : header;
    if (!token)
        throw new Error('IAM accepted the OpenID Connect token but returned no X-Subject-Token header');
    setSecret(token);
    return {
        authorize: ({ headers }) => ({ ...headers, 'X-Auth-Token': token }),
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

;// CONCATENATED MODULE: ./src/swr/endpoints.ts
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
function isLoopbackHost(hostname) {
    const host = hostname.toLowerCase();
    return host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host === '::1';
}

;// CONCATENATED MODULE: ./src/github/inputs.ts



/** An input that breaks a rule: the message names the input, the value and the rule. */
class InputError extends Error {
    name = 'InputError';
}
function invalid(input, value, rule) {
    return new InputError(`Input "${input}" is ${JSON.stringify(value)}: ${rule}.`);
}
function parseBoolean(input, value) {
    // The spellings @actions/core's getBooleanInput accepts (YAML 1.2 core schema).
    if (['true', 'True', 'TRUE'].includes(value))
        return true;
    if (['false', 'False', 'FALSE'].includes(value))
        return false;
    throw invalid(input, value, 'it must be "true" or "false"');
}
function parseWholeNumber(input, value) {
    if (value === '')
        return undefined;
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1_000_000) {
        throw invalid(input, value, 'it must be a whole number from 1 to 1000000');
    }
    return Number(value);
}
/** One value per line, or comma-separated; blanks dropped, duplicates kept once. */
function parseList(value) {
    const items = value
        .split(/[\n,]/)
        .map(item => item.trim())
        .filter(item => item.length > 0);
    return [...new Set(items)];
}
function parseEndpoint(input, value) {
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw invalid(input, value, 'it must be a URL such as https://swr-api.cn-north-4.myhuaweicloud.com');
    }
    const loopback = isLoopbackHost(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
        throw invalid(input, value, 'it must be an https:// URL (plain http is allowed for loopback hosts only)');
    }
    if (url.username || url.password || url.search || url.hash) {
        throw invalid(input, value, 'it must be a base URL without credentials, query or fragment');
    }
    url.pathname = url.pathname.replace(/\/+$/, '');
    return url;
}
function firstSet(env, ...names) {
    for (const name of names) {
        const value = (env[name] ?? '').trim();
        if (value)
            return { value, name };
    }
    return { value: '', name: '' };
}
// Header values must be one line of printable ASCII; anything else is a copy-paste mistake,
// reported without echoing the value, since it may be a secret.
function checkHeaderSafe(input, value, secret) {
    if (!/^[\x21-\x7e]+$/.test(value)) {
        const rule = 'it must be one line of printable characters without spaces';
        throw secret
            ? new InputError(`Input "${input}" (value hidden) is malformed: ${rule}.`)
            : invalid(input, value, rule);
    }
}
function readCredentials(env, region, input) {
    const idpId = input('idp_id');
    const explicitAk = input('access_key_id');
    const explicitSk = input('secret_access_key');
    if (idpId) {
        if (explicitAk || explicitSk || input('security_token')) {
            throw new InputError('Inputs "idp_id" and access keys were both given: use either idp_id (keyless, OpenID Connect) or access_key_id and secret_access_key, not both.');
        }
        checkHeaderSafe('idp_id', idpId, false);
        const iamInput = input('iam_endpoint');
        // The IAM token is scoped to the project named after the region.
        if (!region) {
            throw new InputError('Input "region" is empty and no region is known: with idp_id, give region (e.g. cn-north-4), since the IAM token is scoped to that region\'s project.');
        }
        const audience = input('oidc_audience');
        return {
            kind: 'oidc',
            idpId,
            ...(audience ? { audience } : {}),
            iamEndpoint: parseEndpoint('iam_endpoint', iamInput || defaultIamEndpoint(region))
        };
    }
    const ak = explicitAk
        ? { value: explicitAk, name: 'input access_key_id' }
        : firstSet(env, 'HUAWEI_CLOUD_ACCESS_KEY_ID', 'HUAWEICLOUD_SDK_AK');
    const sk = explicitSk
        ? { value: explicitSk, name: 'input secret_access_key' }
        : firstSet(env, 'HUAWEI_CLOUD_SECRET_ACCESS_KEY', 'HUAWEICLOUD_SDK_SK');
    const token = input('security_token')
        ? { value: input('security_token'), name: 'input security_token' }
        : firstSet(env, 'HUAWEI_CLOUD_SECURITY_TOKEN');
    // Mask before anything else can fail and print.
    setSecret(sk.value);
    setSecret(token.value);
    if (!ak.value && !sk.value) {
        throw new InputError('No credentials: set inputs access_key_id and secret_access_key (or the variables HUAWEI_CLOUD_ACCESS_KEY_ID and HUAWEI_CLOUD_SECRET_ACCESS_KEY, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK), or idp_id for keyless OpenID Connect.');
    }
    if (!sk.value) {
        throw new InputError(`The secret access key is missing: the access key id comes from ${ak.name}, but none of input secret_access_key, HUAWEI_CLOUD_SECRET_ACCESS_KEY or HUAWEICLOUD_SDK_SK is set.`);
    }
    if (!ak.value) {
        throw new InputError(`The access key id is missing: the secret access key comes from ${sk.name}, but none of input access_key_id, HUAWEI_CLOUD_ACCESS_KEY_ID or HUAWEICLOUD_SDK_AK is set.`);
    }
    checkHeaderSafe('access_key_id', ak.value, false);
    checkHeaderSafe('secret_access_key', sk.value, true);
    if (token.value)
        checkHeaderSafe('security_token', token.value, true);
    return {
        kind: 'keys',
        accessKeyId: ak.value,
        secretAccessKey: sk.value,
        ...(token.value ? { securityToken: token.value } : {}),
        source: `${ak.name} and ${sk.name}`
    };
}
function readRetention(input) {
    const keepLast = parseWholeNumber('retention_keep_last', input('retention_keep_last'));
    const keepDays = parseWholeNumber('retention_keep_days', input('retention_keep_days'));
    const exceptionLines = input('retention_exceptions')
        .split('\n')
        .map(line => line.trim())
        .filter(line => line.length > 0);
    if (keepLast !== undefined && keepDays !== undefined) {
        throw new InputError('Inputs "retention_keep_last" and "retention_keep_days" were both given: an SWR retention rule keeps either the last N tags or the tags of the last N days; choose one.');
    }
    if (keepLast === undefined && keepDays === undefined) {
        if (exceptionLines.length > 0) {
            throw new InputError('Input "retention_exceptions" was given without a rule: set retention_keep_last or retention_keep_days too.');
        }
        return undefined;
    }
    const exceptions = exceptionLines.map(line => {
        if (!line.startsWith('re:'))
            return { kind: 'label', pattern: line };
        const pattern = line.slice(3);
        try {
            if (!pattern)
                throw new Error('empty');
            new RegExp(pattern);
        }
        catch {
            throw invalid('retention_exceptions', line, 'a "re:" line must hold a valid regular expression');
        }
        return { kind: 'regexp', pattern };
    });
    return {
        ...(keepLast !== undefined ? { keepLast } : {}),
        ...(keepDays !== undefined ? { keepDays } : {}),
        exceptions
    };
}
/** Reads and checks every input; throws InputError before any request is made. */
function getInputs(env = process.env) {
    const input = (name) => getInput(name, env);
    const namespace = input('namespace');
    if (!namespace)
        throw new InputError('Input "namespace" is required: the SWR organization name.');
    if (!isValidOrganizationName(namespace))
        throw invalid('namespace', namespace, `it must be ${ORGANIZATION_RULE}`);
    const repositories = parseList(input('repository'));
    if (repositories.length === 0) {
        throw new InputError('Input "repository" is required: one repository name or several, one per line.');
    }
    for (const repository of repositories) {
        if (!isValidRepositoryName(repository))
            throw invalid('repository', repository, `it must be ${REPOSITORY_RULE}`);
    }
    const category = input('category') || 'other';
    if (!CATEGORIES.includes(category)) {
        throw invalid('category', category, `it must be one of ${CATEGORIES.join(', ')}`);
    }
    const onDrift = input('on_drift') || 'warn';
    if (!['warn', 'update', 'fail'].includes(onDrift)) {
        throw invalid('on_drift', onDrift, 'it must be one of warn, update, fail');
    }
    const regionInput = input('region') || (env['HUAWEI_CLOUD_REGION'] ?? '').trim();
    if (regionInput && !isValidRegion(regionInput)) {
        const source = input('region') ? 'region' : 'region (from HUAWEI_CLOUD_REGION)';
        throw invalid(source, regionInput, `it must be ${REGION_RULE}`);
    }
    const endpointInput = input('endpoint');
    if (!endpointInput && !regionInput) {
        throw new InputError('Input "region" is empty and HUAWEI_CLOUD_REGION is not set: give region (e.g. cn-north-4), or endpoint for another SWR deployment.');
    }
    const endpoint = parseEndpoint('endpoint', endpointInput || defaultApiEndpoint(regionInput));
    const region = regionInput || regionFromEndpoint(endpoint);
    const registry = input('registry');
    if (registry &&
        !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/.test(registry)) {
        throw invalid('registry', registry, 'it must be a registry host name such as swr.cn-north-4.myhuaweicloud.com, without scheme or path');
    }
    const description = input('description');
    if (description.length > 1000) {
        throw new InputError(`Input "description" is ${description.length} characters long: it may be at most 1000.`);
    }
    const credentials = readCredentials(env, region, input);
    const dockerLoginOutputs = parseBoolean('docker_login_outputs', input('docker_login_outputs') || 'false');
    if (dockerLoginOutputs && !region) {
        throw new InputError('Input "docker_login_outputs" is "true" but no region is known: give region, since the registry login is per region.');
    }
    const retention = readRetention(input);
    return {
        namespace,
        repositories,
        category: category,
        description,
        isPublic: parseBoolean('is_public', input('is_public') || 'false'),
        onDrift: onDrift,
        dryRun: parseBoolean('dry_run', input('dry_run') || 'false'),
        ...(retention ? { retention } : {}),
        ...(region ? { region } : {}),
        endpoint,
        ...(registry ? { registry } : {}),
        credentials,
        dockerLoginOutputs
    };
}

;// CONCATENATED MODULE: ./src/provision.ts
const CONSISTENCY_TRIES = 5;
/** Runs fn over items with at most `limit` at once; results keep the order of items. */
async function mapPool(items, limit, fn) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await fn(items[index]);
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    return results;
}
function driftOf(info, wanted) {
    const drift = [];
    if (info.is_public !== wanted.is_public) {
        drift.push({ setting: 'is_public', actual: info.is_public, wanted: wanted.is_public });
    }
    if (info.category !== wanted.category) {
        drift.push({ setting: 'category', actual: info.category, wanted: wanted.category });
    }
    // An empty description input means "no opinion", not "erase it".
    if (wanted.description && info.description !== wanted.description) {
        drift.push({ setting: 'description', actual: info.description, wanted: wanted.description });
    }
    return drift;
}
function describeDrift(drift) {
    return drift
        .map(d => `${d.setting} is ${JSON.stringify(d.actual)}, wanted ${JSON.stringify(d.wanted)}`)
        .join('; ');
}
function retentionRules(spec) {
    return [
        {
            template: spec.keepLast !== undefined ? 'tag_rule' : 'date_rule',
            params: spec.keepLast !== undefined
                ? { num: String(spec.keepLast) }
                : { days: String(spec.keepDays) },
            tag_selectors: spec.exceptions.map(e => ({ kind: e.kind, pattern: e.pattern }))
        }
    ];
}
function normalizeRules(rules) {
    return JSON.stringify(rules.map(rule => ({
        template: rule.template,
        params: Object.entries(rule.params ?? {})
            .map(([k, v]) => [k, String(v)])
            .sort(),
        selectors: (rule.tag_selectors ?? []).map(s => `${s.kind}:${s.pattern}`).sort()
    })));
}
async function provision(plan, api, log, sleep) {
    const { namespace, settings } = plan;
    let namespaceAction = 'unknown';
    let organization;
    let organizationVisible;
    // Shared by the whole batch: the first repository that finds the organization missing creates
    // it, the others wait for that one request.
    const ensureOrganization = () => (organization ??= (async () => {
        if ((await api.createNamespace(namespace)) === 'created') {
            namespaceAction = 'created';
            log.info(`Organization "${namespace}": created`);
            return;
        }
        // 409: someone got there first, or another account owns the name (unique per region).
        if (!(await api.getNamespace(namespace))) {
            throw new Error(`Organization "${namespace}" exists but this account cannot see it: organization names are unique per region across all accounts, so another account owns it. Choose another namespace.`);
        }
        namespaceAction = 'exists';
    })());
    const organizationExists = () => (organizationVisible ??= api.getNamespace(namespace).then(info => info !== null));
    // Right after a create, SWR may not show the repository yet.
    const readBack = async (repository) => {
        for (let attempt = 1;; attempt++) {
            const info = await api.getRepository(namespace, repository);
            if (info)
                return info;
            if (attempt >= CONSISTENCY_TRIES) {
                throw new Error(`read repository "${namespace}/${repository}" failed: it still reads as missing after it was created (${attempt} reads)`);
            }
            await sleep(plan.consistencyDelayMs * 2 ** (attempt - 1));
        }
    };
    const knownHost = plan.registryOverride ?? plan.registry;
    const pathOf = async (repository, info) => {
        if (plan.registryOverride)
            return `${plan.registryOverride}/${namespace}/${repository}`;
        if (info?.path)
            return info.path;
        if (knownHost)
            return `${knownHost}/${namespace}/${repository}`;
        const read = info ?? (await readBack(repository));
        if (read.path)
            return read.path;
        throw new Error(`The service did not return the path of "${namespace}/${repository}" and the registry host cannot be derived from the endpoint: set input registry.`);
    };
    const convergeRetention = async (repository, isNew) => {
        if (!plan.retention)
            return undefined;
        const wanted = retentionRules(plan.retention);
        let current;
        if (!isNew) {
            const policies = await api.listRetentions(namespace, repository);
            if (policies.length > 1) {
                log.warning(`Repository "${namespace}/${repository}" has ${policies.length} retention policies; only the first (id ${policies[0]?.id}) is managed.`);
            }
            current = policies[0];
        }
        if (!current) {
            if (plan.dryRun)
                return 'would create';
            await api.createRetention(namespace, repository, wanted);
            return 'created';
        }
        if (normalizeRules(current.rules) === normalizeRules(wanted))
            return 'unchanged';
        if (plan.dryRun)
            return 'would update';
        // A rule's template cannot be changed by PATCH: replace the policy instead.
        if (current.rules.length === 1 && current.rules[0]?.template === wanted[0]?.template) {
            await api.updateRetention(namespace, repository, current.id, wanted);
            return 'updated';
        }
        await api.deleteRetention(namespace, repository, current.id);
        await api.createRetention(namespace, repository, wanted);
        return 'replaced';
    };
    const existing = async (repository, info) => {
        const drift = driftOf(info, settings);
        const base = { repository, path: await pathOf(repository, info), created: false, drift };
        let action = 'unchanged';
        if (drift.length > 0) {
            const differences = describeDrift(drift);
            if (plan.onDrift === 'fail') {
                throw new Error(`Repository "${namespace}/${repository}" differs from the inputs (on_drift: fail): ${differences}.`);
            }
            if (plan.onDrift === 'update') {
                if (plan.dryRun) {
                    action = 'would update';
                }
                else {
                    await api.updateRepository(namespace, repository, {
                        ...settings,
                        description: settings.description || info.description
                    });
                    action = 'updated';
                }
            }
            else {
                log.warning(`Repository "${namespace}/${repository}" differs from the inputs and was left as it is (on_drift: warn): ${differences}.`);
            }
        }
        const current = {
            is_public: info.is_public,
            category: info.category,
            description: info.description
        };
        const changed = action === 'updated' || action === 'would update';
        const retention = await convergeRetention(repository, false);
        return {
            ...base,
            action,
            updated: action === 'updated',
            settings: changed
                ? { ...settings, description: settings.description || info.description }
                : current,
            ...(retention ? { retention } : {})
        };
    };
    const one = async (repository) => {
        const info = await api.getRepository(namespace, repository);
        if (info) {
            if (namespaceAction === 'unknown')
                namespaceAction = 'exists';
            return existing(repository, info);
        }
        if (plan.dryRun) {
            if (!(await organizationExists()))
                namespaceAction = 'would create';
            else if (namespaceAction === 'unknown')
                namespaceAction = 'exists';
            const retention = plan.retention ? 'would create' : undefined;
            return {
                repository,
                path: knownHost ? `${knownHost}/${namespace}/${repository}` : '',
                action: 'would create',
                created: false,
                updated: false,
                settings,
                drift: [],
                ...(retention ? { retention } : {})
            };
        }
        let outcome = await api.createRepository(namespace, repository, settings);
        if (outcome === 'namespace-missing') {
            await ensureOrganization();
            outcome = await api.createRepository(namespace, repository, settings);
            if (outcome === 'namespace-missing') {
                throw new Error(`create repository "${namespace}/${repository}" failed: organization "${namespace}" still reads as missing after it was created`);
            }
        }
        else if (namespaceAction === 'unknown') {
            namespaceAction = 'exists';
        }
        if (outcome === 'exists') {
            // Someone else created it between our GET and POST: theirs is the one that counts.
            log.info(`Repository "${namespace}/${repository}": created by another run at the same time`);
            return existing(repository, await readBack(repository));
        }
        const retention = await convergeRetention(repository, true);
        return {
            repository,
            path: await pathOf(repository),
            action: 'created',
            created: true,
            updated: false,
            settings,
            drift: [],
            ...(retention ? { retention } : {})
        };
    };
    const repositories = await mapPool(plan.repositories, plan.concurrency, async (repository) => {
        try {
            const result = await one(repository);
            log.info(`Repository "${namespace}/${repository}": ${result.action}${result.path ? ` (${result.path})` : ''}` +
                (result.retention ? `; retention policy ${result.retention}` : ''));
            return result;
        }
        catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            return {
                repository,
                path: '',
                action: 'failed',
                created: false,
                updated: false,
                drift: [],
                error: message
            };
        }
    });
    return { namespace, namespaceAction, repositories };
}

;// CONCATENATED MODULE: ./src/github/summary.ts
function cell(text) {
    return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
function code(text) {
    return text ? `\`${cell(text)}\`` : '—';
}
function settingsOf(result) {
    if (!result.settings)
        return '—';
    const { is_public, category, description } = result.settings;
    return cell(`${is_public ? 'public' : 'private'}, ${category}${description ? `, "${description}"` : ''}`);
}
function drift(result) {
    if (result.error)
        return `**error:** ${cell(result.error)}`;
    if (result.drift.length === 0)
        return '—';
    return result.drift
        .map(d => `${d.setting}: ${cell(String(d.actual))} → ${cell(String(d.wanted))}`)
        .join('<br>');
}
const NAMESPACE_WORDS = {
    created: 'created',
    exists: 'exists',
    'would create': 'would be created',
    unknown: 'not reached'
};
function renderSummary(plan, result) {
    const { settings } = plan;
    const wanted = `${settings.is_public ? 'public' : 'private'}, ${settings.category}`;
    const lines = [
        `### SWR repositories${plan.dryRun ? ' (dry run: nothing was changed)' : ''}`,
        '',
        `Organization ${code(result.namespace)}: ${NAMESPACE_WORDS[result.namespaceAction]}. ` +
            `Wanted settings: ${wanted}; on drift: ${plan.onDrift}.`,
        '',
        '| Repository | Path | Done | Settings | Retention | Drift |',
        '| --- | --- | --- | --- | --- | --- |',
        ...result.repositories.map(r => `| ${code(r.repository)} | ${code(r.path)} | ${r.action} | ${settingsOf(r)} | ${r.retention ?? '—'} | ${drift(r)} |`),
        ''
    ];
    return lines.join('\n') + '\n';
}

;// CONCATENATED MODULE: ./src/main.ts









/** Repositories provisioned at once, and so connections per host at most. */
const CONCURRENCY = 8;
const USER_AGENT = 'create-swr-repository-action';
function numberFromEnv(env, name, fallback) {
    const value = Number(env[name]);
    return env[name] && Number.isFinite(value) && value >= 0 ? value : fallback;
}
/** Retry timing; the variables exist so that tests and impatient users can shorten it. */
function retryPolicyFromEnv(env) {
    return {
        maxAttempts: Math.max(1, numberFromEnv(env, 'SWR_ACTION_MAX_ATTEMPTS', DEFAULT_RETRY_POLICY.maxAttempts)),
        baseDelayMs: numberFromEnv(env, 'SWR_ACTION_RETRY_BASE_MS', DEFAULT_RETRY_POLICY.baseDelayMs),
        maxDelayMs: numberFromEnv(env, 'SWR_ACTION_RETRY_MAX_MS', DEFAULT_RETRY_POLICY.maxDelayMs),
        budgetMs: numberFromEnv(env, 'SWR_ACTION_RETRY_BUDGET_MS', DEFAULT_RETRY_POLICY.budgetMs)
    };
}
function planOf(inputs, retry) {
    const registry = registryFromEndpoint(inputs.endpoint);
    return {
        namespace: inputs.namespace,
        repositories: inputs.repositories,
        settings: {
            is_public: inputs.isPublic,
            category: inputs.category,
            description: inputs.description
        },
        onDrift: inputs.onDrift,
        dryRun: inputs.dryRun,
        ...(inputs.retention ? { retention: inputs.retention } : {}),
        ...(registry ? { registry } : {}),
        ...(inputs.registry ? { registryOverride: inputs.registry } : {}),
        concurrency: CONCURRENCY,
        consistencyDelayMs: Math.max(1, retry.baseDelayMs)
    };
}
function writeOutputs(plan, result) {
    const first = result.repositories[0];
    const path = first?.path ?? '';
    setOutput('path', path);
    setOutput('paths', result.repositories
        .map(r => r.path)
        .filter(Boolean)
        .join('\n'));
    setOutput('registry', path ? (path.split('/')[0] ?? '') : (plan.registryOverride ?? plan.registry ?? ''));
    setOutput('created', String(first?.created ?? false));
    setOutput('namespace_created', String(result.namespaceAction === 'created'));
    // Errors in the result quote the service, which may echo a credential back.
    setOutput('result', redact(JSON.stringify(result.repositories)));
}
async function dockerLogin(inputs, credentials, client) {
    const region = inputs.region; // checked by getInputs when docker_login_outputs is on
    let login;
    if (credentials.longTermKeys) {
        login = longTermDockerLogin(region, credentials.longTermKeys.accessKeyId, credentials.longTermKeys.secretAccessKey);
    }
    else if (inputs.dryRun) {
        warning('docker_login_outputs: the temporary login is issued by a POST request, which dry_run does not make; no login outputs were set.');
        return;
    }
    else {
        login = await client.temporaryLogin(region);
    }
    setSecret(login.password);
    setOutput('docker_username', login.username);
    setOutput('docker_password', login.password);
    info(`Docker login outputs set for ${credentials.longTermKeys ? 'a long-term' : 'a temporary (6 h)'} login`);
}
async function run(env = process.env) {
    let transport;
    try {
        const inputs = getInputs(env);
        const retry = retryPolicyFromEnv(env);
        transport = new Transport({
            timeoutMs: numberFromEnv(env, 'SWR_ACTION_TIMEOUT_MS', 30_000),
            maxSockets: CONCURRENCY,
            userAgent: USER_AGENT
        });
        const shared = { transport, retry, log: runnerLogger };
        const credentials = await resolveCredentials(inputs.credentials, inputs.region, baseUrl => new Api({ baseUrl, ...shared }));
        info(`Authenticating with ${credentials.description}; SWR API ${inputs.endpoint.href.replace(/\/$/, '')}`);
        const client = new SwrClient(new Api({ baseUrl: inputs.endpoint, authorize: credentials.authorize, ...shared }));
        const plan = planOf(inputs, retry);
        const names = plan.repositories.map(r => `${plan.namespace}/${r}`).join(', ');
        const result = await group(`${plan.dryRun ? 'Plan' : 'Create'} repository ${names} if not exist`, () => provision(plan, client, runnerLogger, sleep));
        writeOutputs(plan, result);
        if (inputs.dockerLoginOutputs)
            await dockerLogin(inputs, credentials, client);
        appendSummary(renderSummary(plan, result));
        const failed = result.repositories.filter(r => r.error);
        if (failed.length > 0) {
            const messages = [...new Set(failed.map(r => r.error))];
            setFailed(`${failed.length} of ${result.repositories.length} repositor${result.repositories.length === 1 ? 'y' : 'ies'} failed: ${messages.join(' | ')}`);
        }
    }
    catch (err) {
        setFailed(err instanceof Error ? err.message : String(err));
    }
    finally {
        transport?.close();
    }
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
export const id = 73;
export const ids = [73];
export const modules = {

/***/ 6073:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  enterpriseRun: () => (/* binding */ enterpriseRun),
  enterpriseWanted: () => (/* binding */ enterpriseWanted)
});

// EXTERNAL MODULE: ./src/values.ts
var values = __webpack_require__(4777);
;// CONCATENATED MODULE: ./src/auth/project.ts
// The project an Enterprise Edition instance lives in: given (project_id, or
// HUAWEI_CLOUD_PROJECT_ID as huaweicloud/auth-action exports it), else named by IAM in the
// OpenID Connect token answer, else looked up at IAM by the region's name.

const listHint = (answer) => answer.status === 403
    ? 'Listing projects needs the IAM permission iam:projects:listProjects; without it, give project_id (or set HUAWEI_CLOUD_PROJECT_ID).'
    : undefined;
/** IAM's project named after the region: exactly one must match. */
async function lookupProject(iam, region) {
    const { json } = await iam.call({
        operation: `look up the project of region ${region} at IAM`,
        method: 'GET',
        path: '/v3/projects',
        query: { name: region }
    }, { ok: [200], hint: listHint });
    const projects = ((0,values/* isObject */.Gv)(json) && Array.isArray(json['projects']) ? json['projects'] : [])
        .filter(values/* isObject */.Gv)
        .filter(p => p['name'] === region && typeof p['id'] === 'string');
    if (projects.length === 0) {
        throw new Error(`IAM has no project named ${region} for this account: check region, or give project_id (the project of the region the instance is in).`);
    }
    if (projects.length > 1) {
        const ids = projects.map(p => String(p['id'])).join(', ');
        throw new Error(`IAM has ${projects.length} projects named ${region} for this account (${ids}): give project_id to choose one.`);
    }
    return String(projects[0]?.['id']);
}
/** The first source that knows the project; IAM is asked only when none does. */
async function resolveProjectId(enterprise, fromToken, iamFor) {
    if (enterprise.projectId) {
        return { id: enterprise.projectId, source: enterprise.projectIdSource ?? 'input project_id' };
    }
    if (fromToken)
        return { id: fromToken, source: 'the OpenID Connect token answer' };
    const lookup = enterprise.projectLookup;
    // getInputs refuses an instance run with neither a project id nor a region.
    if (!lookup)
        throw new Error('No project id is known for the instance: give project_id.');
    const id = await lookupProject(iamFor(lookup.iamEndpoint), lookup.region);
    return { id, source: `IAM's project of ${lookup.region}` };
}

// EXTERNAL MODULE: ./src/edition.ts
var src_edition = __webpack_require__(9585);
// EXTERNAL MODULE: ./src/github/summary.ts
var summary = __webpack_require__(2935);
;// CONCATENATED MODULE: ./src/github/enterprise-summary.ts

function wantedWords(wanted) {
    const parts = [
        wanted.isPublic === undefined ? 'is_public not set' : wanted.isPublic ? 'public' : 'private',
        ...(wanted.description ? [`"${wanted.description}"`] : []),
        ...(wanted.immutableTags ? [`immutable tags ${wanted.immutableTags.join(', ')}`] : [])
    ];
    return `${parts.join(', ')}; on drift: ${wanted.onDrift}`;
}
function done(r) {
    return r.note ? `${r.action} (${(0,summary/* cell */.Hn)(r.note)})` : r.action;
}
function repositoryTable(report) {
    const head = ['Repository', 'Path', 'Done', 'Description', 'Retention', 'Immutable tags', 'Drift'];
    return (0,summary/* table */.tp)(head, report.repositories.map(r => [
        (0,summary/* code */.aY)(r.repository),
        (0,summary/* code */.aY)(r.path),
        done(r),
        r.description ? (0,summary/* cell */.Hn)(`"${r.description}"`) : '—',
        r.retention ?? '—',
        r.immutability ?? '—',
        (0,summary/* driftCell */.Ib)(r)
    ]));
}
function renderEnterpriseSummary(wanted, report, instance) {
    const name = instance
        ? `${instance.name} (${instance.id}, ${instance.status})`
        : wanted.instanceId;
    const lines = [
        `### SWR Enterprise Edition instance ${(0,summary/* code */.aY)(name)}${report.dryRun ? ' (dry run: nothing was changed)' : ''}`,
        '',
        `Namespace ${(0,summary/* code */.aY)(report.namespace)}: ${summary/* ORGANIZATION_WORDS */.W4[report.organization]}. ` +
            `Wanted: ${(0,summary/* cell */.Hn)(wantedWords(wanted))}. A repository is created by its first docker push; its description is set by the first run after it.`,
        '',
        ...repositoryTable(report),
        ''
    ];
    return [...lines, ...(0,summary/* planSection */.lA)(report.changes)].join('\n') + '\n';
}

// EXTERNAL MODULE: ./src/pool.ts
var pool = __webpack_require__(9537);
// EXTERNAL MODULE: ./src/http/errors.ts
var errors = __webpack_require__(8549);
// EXTERNAL MODULE: ./src/github/inputs.ts + 6 modules
var inputs = __webpack_require__(1539);
;// CONCATENATED MODULE: ./src/enterprise/retention.ts
// Retention on an instance: the namespace's retention policy (Harbor's: one per namespace),
// whose rules the action owns when they are scoped to exactly the repositories of the run.
// Rules scoped otherwise (another workflow's) are kept as they are. Harbor deletes every tag
// that no rule retains, so an exception cannot be a mere exclusion: the count or age rule
// excludes the exceptions (they do not use up its N), and a second rule retains them. The
// API's templates (the SDK's RetentionRule lists four) have no "retain always", so that rule
// keeps what was pushed in the last EXCEPTIONS_DAYS days: for a tag, forever. An instance whose
// feature gate says one rule a policy is not sent one of several (oneRuleRefusal says why);
// one that refuses it without saying so is explained by enterprise-client.ts
// (docs/swr-enterprise.md).


/** The doublestar globs that match the tags inputs.ts's SIGNATURE_TAGS expressions match. */
const SIGNATURE_PATTERNS = ['sha256-*', '*.sig', '*.att', '*.sbom'];
/** How far back the exceptions' rule keeps tags: a hundred years. */
const EXCEPTIONS_DAYS = 36500;
/** Daily at midnight UTC (the SDK's six-field cron): a manual policy would never run. */
const DAILY = {
    type: 'scheduled',
    trigger_settings: { cron: '0 0 0 * * ?' }
};
/** One glob for several: "{a,b}", doublestar's alternation. */
function anyOf(patterns) {
    return patterns.length === 1 ? patterns[0] : `{${patterns.join(',')}}`;
}
/**
 * The repositories a rule's scope names: a plain name, or a "{a,b}" alternation, as the action
 * writes them. A scope with wildcards names none (it is nobody's to converge).
 */
function namesIn(scope) {
    const selectors = scope?.repository ?? [];
    if (selectors.length !== 1 || selectors[0]?.decoration !== 'repoMatches')
        return [];
    const pattern = selectors[0].pattern;
    const alternation = /^\{([^{}*?[\]]*)\}$/.exec(pattern);
    if (alternation)
        return alternation[1].split(',');
    return /[*?[\]{}]/.test(pattern) ? [] : [pattern];
}
/** A rule the run owns: every repository its scope names is one of the run's. */
function ownedBy(repositories) {
    const mine = new Set(repositories);
    return (rule) => {
        const names = namesIn(rule.scope_selectors);
        return names.length > 0 && names.every(n => mine.has(n));
    };
}
/** The scope of the run's rules: its repositories, sorted, as one glob. */
function scopeOf(repositories) {
    const pattern = anyOf([...new Set(repositories)].sort());
    return { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern }] };
}
/** The exceptions as globs; the signature tags' expressions become their glob equivalents. */
function exceptionPatterns(spec) {
    const signatures = inputs/* SIGNATURE_TAGS */.Nz.every(s => spec.exceptions.some(e => e.kind === s.kind && e.pattern === s.pattern));
    const tags = spec.exceptions.filter(e => e.kind === 'label').map(e => e.pattern);
    return [...new Set([...tags, ...(signatures ? SIGNATURE_PATTERNS : [])])];
}
function rule(template, params, tags, scope) {
    return {
        priority: 0,
        disabled: false,
        action: 'retain',
        template,
        params,
        tag_selectors: [tags],
        scope_selectors: scope,
        repo_scope_mode: 'regular'
    };
}
function wantedRules(spec, repositories) {
    const scope = scopeOf(repositories);
    const [template, value] = spec.keepLast !== undefined
        ? ['latestPushedK', spec.keepLast]
        : ['nDaysSinceLastPush', spec.keepDays];
    const exceptions = exceptionPatterns(spec);
    const tags = (decoration, pattern) => ({
        kind: 'doublestar',
        decoration,
        pattern
    });
    if (exceptions.length === 0) {
        return [rule(template, { [template]: value }, tags('matches', '**'), scope)];
    }
    return [
        rule(template, { [template]: value }, tags('excludes', anyOf(exceptions)), scope),
        rule('nDaysSinceLastPush', { nDaysSinceLastPush: EXCEPTIONS_DAYS }, tags('matches', anyOf(exceptions)), scope)
    ];
}
/** A rule as compared: what it does, not its id or priority, numbers as numbers. */
function ruleKey(r) {
    const params = Object.entries(r.params ?? {})
        .map(([k, v]) => `${k}=${Number(v)}`)
        .sort();
    const selectors = (list) => (list ?? []).map(s => `${s.decoration}:${s.pattern}`).sort();
    return JSON.stringify([
        r.template,
        r.action ?? 'retain',
        Boolean(r.disabled),
        params,
        selectors(r.tag_selectors),
        selectors(r.scope_selectors?.repository)
    ]);
}
/** What a rule (retention or immutable tag) is scoped to, comparable as a string. */
const scopeKey = (rule) => JSON.stringify((rule.scope_selectors?.repository ?? []).map(s => `${s.decoration}:${s.pattern}`));
function sameRules(a, b) {
    const keys = (rules) => rules.map(ruleKey).sort().join('\n');
    return keys(a) === keys(b);
}
/** The policy to send: the rules of other scopes kept, the run's own replaced. */
function mergedPolicy(namespace, current, rules) {
    // Rules for these repositories, also under an earlier list of them, are the run's to replace.
    const repositories = rules[0] ? namesIn(rules[0].scope_selectors) : [];
    const others = (current?.rules ?? []).filter(r => !ownedBy(repositories)(r));
    return {
        // Policy names allow letters, digits, "_" and "-"; a namespace may hold ".".
        name: current?.name || `${namespace.replace(/[^A-Za-z0-9_-]/g, '-')}-retention`,
        algorithm: 'or',
        enabled: true,
        rules: [...others, ...rules],
        trigger: current?.trigger?.type === 'scheduled' ? current.trigger : DAILY
    };
}
function reasonOf(current, rules, scope) {
    const ours = current.rules.filter(r => scopeKey(r) === scope);
    const earlier = current.rules.filter(r => scopeKey(r) !== scope && ownedBy(namesIn(rules[0]?.scope_selectors))(r));
    const parts = [
        ...(earlier.length > 0 ? ['it has rules for an earlier list of these repositories'] : []),
        ...(ours.length === 0 ? ['it has no rule for these repositories'] : []),
        ...(ours.length > 0 && !sameRules(ours, rules) ? ['its rules for them differ'] : []),
        ...(current.enabled ? [] : ['it is disabled']),
        ...(current.trigger?.type === 'scheduled' ? [] : ['it only runs by hand'])
    ];
    return `the namespace's retention policy ${current.id}: ${parts.join(', ')}`;
}
/**
 * The namespace's retention change. `policies` is undefined when the namespace is to be
 * created (there is nothing to read yet); only the first policy is managed.
 */
function diffRetention(namespace, spec, repositories, policies) {
    const rules = wantedRules(spec, repositories);
    const current = policies?.[0];
    const warning = policies && policies.length > 1
        ? `Namespace "${namespace}" has ${policies.length} retention policies; only the first (id ${current?.id}) is managed.`
        : undefined;
    const after = mergedPolicy(namespace, current, rules);
    const scoped = `for ${repositories.length === 1 ? 'repository' : 'repositories'} ${repositories.join(', ')}`;
    const base = { resource: 'retention', name: namespace };
    if (!current) {
        const reason = `the namespace has no retention policy: one is created ${scoped}`;
        const change = { ...base, action: 'create', before: null, after: { ...after }, reason };
        return { change, ...(warning ? { warning } : {}) };
    }
    const scope = scopeKey(rules[0]);
    const same = sameRules(current.rules, after.rules) &&
        current.enabled &&
        current.trigger?.type === 'scheduled';
    if (same)
        return warning ? { warning } : {};
    const change = {
        ...base,
        action: 'update',
        before: { ...current },
        after: { ...after },
        reason: `${reasonOf(current, rules, scope)} (${scoped})`
    };
    return { change, ...(warning ? { warning } : {}) };
}
/**
 * Why an instance that takes one rule a policy (its feature gate enableCombinationRetention is
 * false) cannot be sent this change, and what the user can do; undefined when it holds one
 * rule. The run's own rules are already the fewest that express the inputs (one, unless
 * exceptions are kept), and the rules of other scopes are other workflows' to keep.
 */
function oneRuleRefusal(change, repositories) {
    const rules = change.after.rules;
    if (rules.length <= 1)
        return undefined;
    const ours = rules.filter(ownedBy(repositories)).length;
    const others = rules.length - ours;
    const why = [
        ...(ours > 1
            ? [
                'keeping the tags of retention_exceptions and the signature tags (retention_keep_signatures, on by default) takes a rule of its own'
            ]
            : []),
        ...(others > 0
            ? [
                `the namespace's policy holds ${others} rule${others === 1 ? '' : 's'} for other repositories, and a namespace has one policy`
            ]
            : [])
    ];
    const ways = [
        ...(ours > 1
            ? [
                'drop retention_exceptions and set retention_keep_signatures to false, only if those tags may be deleted'
            ]
            : []),
        ...(others > 0 ? ["leave this namespace's retention to one workflow or to the console"] : []),
        'use an instance whose feature gates allow combination retention'
    ];
    return `The retention policy of namespace "${change.name}" would hold ${rules.length} rules, and the instance takes one rule a policy (its feature gate enableCombinationRetention is false): ${why.join('; ')}. The policy was not sent. To go on: ${ways.join('; or ')}.`;
}
/** Whether a stored policy holds every rule of `policy`: how a lost create is recognised. */
function holds(policy) {
    return (stored) => policy.rules.every(r => stored.rules.some(s => ruleKey(s) === ruleKey(r)));
}
async function applyRetention(client, namespace, change) {
    if (change.action === 'delete') {
        // Only a policy left with no rule by repositories taken down (scope.ts) is deleted.
        await client.deleteRetentionPolicy(namespace, change.before.id);
        return;
    }
    const policy = change.after;
    const id = change.before?.id;
    if (id !== undefined) {
        await client.updateRetentionPolicy(namespace, id, policy);
        return;
    }
    try {
        await client.createRetentionPolicy(namespace, policy, holds(policy));
    }
    catch (err) {
        // A namespace holds one policy: another run made it first. Ours goes into that one.
        if (!(err instanceof errors/* ApiError */.hD) || err.status !== 409)
            throw err;
        const [current] = await client.listRetentionPolicies(namespace);
        if (!current)
            throw err;
        // A create was planned on a namespace without a policy: every rule in it is the run's.
        const merged = mergedPolicy(namespace, current, policy.rules);
        await client.updateRetentionPolicy(namespace, current.id, merged);
    }
}

;// CONCATENATED MODULE: ./src/enterprise/immutability.ts

function immutableRule(pattern, repositories) {
    return {
        priority: 0,
        disabled: false,
        action: 'immutable',
        template: 'immutable_template',
        tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern }],
        scope_selectors: scopeOf(repositories)
    };
}
/** The single "matches" pattern of a rule the action could have made, else undefined. */
function patternOf(rule) {
    const [only, ...more] = rule.tag_selectors ?? [];
    return only && more.length === 0 && only.decoration === 'matches' ? only.pattern : undefined;
}
function viewOf(rule, scope) {
    return {
        id: rule.id,
        pattern: patternOf(rule) ?? '',
        repositories: scope,
        disabled: rule.disabled
    };
}
function change(namespace, action, before, after, reason) {
    const plain = (v) => (v ? { ...v } : null);
    return {
        resource: 'immutability',
        name: namespace,
        action,
        before: plain(before),
        after: plain(after),
        reason
    };
}
/**
 * The namespace's immutable tag rule changes. `rules` is undefined when the namespace is to be
 * created, and holds the namespace's rules otherwise.
 */
function diffImmutability(namespace, patterns, repositories, rules, onDrift) {
    const scope = scopeOf(repositories).repository[0]?.pattern ?? '';
    const key = scopeKey({ scope_selectors: scopeOf(repositories) });
    // The run's rules: those scoped to these repositories, also under an earlier list of them.
    const owned = (rules ?? []).filter(r => ownedBy(repositories)(r) && patternOf(r) !== undefined);
    const ours = owned.filter(r => scopeKey(r) === key);
    const changes = [];
    for (const pattern of patterns) {
        const existing = ours.find(r => patternOf(r) === pattern);
        const after = { pattern, repositories: scope, disabled: false };
        if (!existing) {
            changes.push(change(namespace, 'create', null, after, `no rule keeps tags ${pattern} of ${scope} immutable`));
        }
        else if (existing.disabled) {
            const before = viewOf(existing, scope);
            changes.push(change(namespace, 'update', before, { ...after, id: existing.id }, `the rule for ${pattern} is disabled`));
        }
    }
    const extra = owned.filter(r => scopeKey(r) !== key || !patterns.includes(patternOf(r)));
    if (extra.length === 0)
        return { changes };
    const listed = extra
        .map(r => `${patternOf(r)}${scopeKey(r) === key ? '' : ` (for ${namesIn(r.scope_selectors).join(', ')})`}`)
        .join(', ');
    const found = `Namespace "${namespace}" has immutable tag rules for ${scope} that immutable_tags does not list: ${listed}`;
    if (onDrift === 'fail')
        return { changes: [], failure: `${found} (on_drift: fail).` };
    if (onDrift === 'warn')
        return { changes, warning: `${found}; left as they are (on_drift: warn).` };
    const deletes = extra.map(r => change(namespace, 'delete', viewOf(r, anyOf(namesIn(r.scope_selectors))), null, `on_drift: update, and ${patternOf(r)} for ${anyOf(namesIn(r.scope_selectors))} is not listed in immutable_tags`));
    return { changes: [...changes, ...deletes] };
}
async function applyImmutability(client, namespace, repositories, change) {
    const before = change.before;
    const after = change.after;
    if (change.action === 'delete' && before?.id !== undefined) {
        await client.deleteImmutableRule(namespace, before.id);
        return;
    }
    const pattern = after.pattern;
    const rule = immutableRule(pattern, repositories);
    if (change.action === 'update' && before?.id !== undefined) {
        await client.updateImmutableRule(namespace, before.id, rule);
        return;
    }
    const key = scopeKey(rule);
    await client.createImmutableRule(namespace, rule, stored => scopeKey(stored) === key && patternOf(stored) === pattern && !stored.disabled);
}

;// CONCATENATED MODULE: ./src/enterprise/namespace.ts
const visibility = (isPublic) => (isPublic ? 'public' : 'private');
function diffNamespace(wanted, state) {
    const name = wanted.namespace;
    if (state === 'missing') {
        const isPublic = wanted.isPublic ?? false;
        return {
            change: {
                resource: 'namespace',
                name,
                action: 'create',
                before: null,
                after: { namespace: name, is_public: isPublic },
                reason: `the namespace does not exist; it is created ${visibility(isPublic)}`
            },
            drift: []
        };
    }
    if (wanted.isPublic === undefined || wanted.isPublic === state.isPublic)
        return { drift: [] };
    const drift = [
        { setting: 'is_public', actual: state.isPublic, wanted: wanted.isPublic }
    ];
    const found = `Namespace "${name}" is ${visibility(state.isPublic)}, wanted ${visibility(wanted.isPublic)}`;
    if (wanted.onDrift === 'fail')
        return { drift, failure: `${found} (on_drift: fail).` };
    if (wanted.onDrift === 'warn') {
        return { drift, warning: `${found}; left as it is (on_drift: warn).` };
    }
    return {
        change: {
            resource: 'namespace',
            name,
            action: 'update',
            before: { is_public: state.isPublic },
            after: { is_public: wanted.isPublic },
            reason: 'on_drift: update, and is_public differs from the inputs'
        },
        drift
    };
}
/** Applies the namespace's change: 'found done' when another run had created it. */
async function applyNamespace(client, change, log) {
    const isPublic = change.after.is_public;
    if (change.action === 'update') {
        await client.updateNamespace(change.name, isPublic);
        return 'done';
    }
    const created = await client.createNamespace(change.name, isPublic);
    if (created.outcome === 'created')
        return 'done';
    // A duplicate answers 409 (or 400): the namespace is there, made by a run at the same time.
    if ((await client.readNamespace(change.name)) === 'missing')
        throw created.error;
    log.info(`Namespace "${change.name}": created by another run at the same time`);
    return 'found done';
}

;// CONCATENATED MODULE: ./src/enterprise/repository.ts
const PUSH_CREATES = 'the repository does not exist: the first docker push creates it (an SWR Enterprise Edition instance has no call that creates a repository)';
function descriptionChange(name, before, after, reason) {
    return {
        resource: 'repository',
        name,
        action: 'update',
        before: { description: before },
        after: { description: after },
        reason
    };
}
function diffRepository(wanted, name, read) {
    const description = wanted.description;
    if (read.state === 'absent') {
        const after = description ? { description } : {};
        const reason = description
            ? `${PUSH_CREATES}; the first run after it sets the description`
            : PUSH_CREATES;
        return {
            change: { resource: 'repository', name, action: 'create', before: null, after, reason },
            drift: []
        };
    }
    const current = read.info.description;
    if (!description || current === description)
        return { drift: [] };
    if (current === '') {
        const reason = 'the repository has no description yet (a push created it)';
        return { change: descriptionChange(name, current, description, reason), drift: [] };
    }
    const drift = [{ setting: 'description', actual: current, wanted: description }];
    const found = `Repository "${name}" differs from the inputs: description is ${JSON.stringify(current)}, wanted ${JSON.stringify(description)}`;
    if (wanted.onDrift === 'fail')
        return { drift, failure: `${found} (on_drift: fail).` };
    if (wanted.onDrift === 'warn') {
        return { drift, warning: `${found}; left as it is (on_drift: warn).` };
    }
    const reason = 'on_drift: update, and description differs from the inputs';
    return { change: descriptionChange(name, current, description, reason), drift };
}
async function applyRepository(client, namespace, repository, change) {
    const { description } = change.after;
    await client.updateRepository(namespace, repository, description);
}

;// CONCATENATED MODULE: ./src/enterprise/scope.ts

function narrowed(scope, leaving) {
    const names = namesIn(scope);
    if (!names.some(n => leaving.has(n)))
        return undefined;
    return names.filter(n => !leaving.has(n));
}
function scopeFor(names) {
    return { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: anyOf(names) }] };
}
/** The rules without the leaving repositories; undefined when no rule names one. */
function rulesWithout(rules, leaving) {
    let touched = false;
    const kept = rules.flatMap(rule => {
        const names = narrowed(rule.scope_selectors, leaving);
        if (names === undefined)
            return [rule];
        touched = true;
        return names.length === 0 ? [] : [{ ...rule, scope_selectors: scopeFor(names) }];
    });
    return touched ? kept : undefined;
}
const listOf = (leaving) => [...leaving].sort().join(', ');
/**
 * The retention change that takes the leaving repositories out of the namespace's policy:
 * merged into the run's own retention change when there is one, else an update (or a delete,
 * when no rule is left) of the first policy.
 */
function retentionLeaving(namespace, policies, planned, leaving) {
    if (leaving.size === 0)
        return planned;
    const why = `repositories taken down leave its scope: ${listOf(leaving)}`;
    if (planned?.after) {
        const after = planned.after;
        const rules = rulesWithout(after.rules, leaving);
        if (!rules)
            return planned;
        return { ...planned, after: { ...after, rules }, reason: `${planned.reason}; ${why}` };
    }
    const current = policies?.[0];
    if (!current)
        return undefined;
    const rules = rulesWithout(current.rules, leaving);
    if (!rules)
        return undefined;
    const base = { resource: 'retention', name: namespace, before: { ...current } };
    if (rules.length === 0) {
        const reason = `the namespace's retention policy ${current.id} is left with no rule: ${why}`;
        return { ...base, action: 'delete', after: null, reason };
    }
    const reason = `the namespace's retention policy ${current.id}: ${why}`;
    return { ...base, action: 'update', after: { ...current, rules }, reason };
}
/** The immutable tag rules that name leaving repositories: narrowed, or removed when emptied. */
function immutabilityLeaving(namespace, rules, leaving) {
    return (rules ?? []).flatMap((rule) => {
        const names = narrowed(rule.scope_selectors, leaving);
        if (names === undefined)
            return [];
        const before = { id: rule.id, repositories: anyOf(namesIn(rule.scope_selectors)) };
        const gone = namesIn(rule.scope_selectors).filter(n => leaving.has(n));
        const base = { resource: 'immutability', name: namespace };
        if (names.length === 0) {
            const reason = `the immutable tag rule ${rule.id} is left with no repository: ${gone.join(', ')} taken down`;
            return [
                { ...base, action: 'delete', before: { ...before, scopeOnly: true }, after: null, reason }
            ];
        }
        const after = { id: rule.id, repositories: anyOf(names), scopeOnly: true };
        const reason = `repositories taken down leave the scope of immutable tag rule ${rule.id}: ${gone.join(', ')}`;
        return [{ ...base, action: 'update', before, after, reason }];
    });
}
/** Applies an immutable tag rule's narrowed scope: the rule as stored, with the new scope. */
async function applyImmutabilityLeaving(client, namespace, change) {
    const { id } = change.before;
    if (change.action === 'delete') {
        await client.deleteImmutableRule(namespace, id);
        return;
    }
    const stored = (await client.listImmutableRules(namespace)).find(r => r.id === id);
    // Gone meanwhile: nothing is left to narrow.
    if (!stored)
        return;
    const pattern = change.after.repositories;
    const scope = {
        repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern }]
    };
    const { priority, disabled, action, template, tag_selectors } = stored;
    const rule = { priority, disabled, action, template, tag_selectors, scope_selectors: scope };
    await client.updateImmutableRule(namespace, id, rule);
}

;// CONCATENATED MODULE: ./src/enterprise/types.ts
/**
 * Whether the plan deletes a repository: then the immutable tag rules apply before the deletes
 * (a rule scoped to a repository keeps it), and the retention policy after them.
 */
function deletesAny(plan) {
    return plan.repositories.some(r => r.change?.action === 'delete');
}
/** The changes in the order they apply when the plan deletes: see deletesAny. */
function aroundDeletes(policies, repositories) {
    const retention = policies.filter(c => c.resource === 'retention');
    return [...policies.filter(c => c.resource !== 'retention'), ...repositories, ...retention];
}
/** Whether a repository's change is the create a push makes, which no call carries out. */
function isPushCreate(change) {
    return change.resource === 'repository' && change.action === 'create';
}

;// CONCATENATED MODULE: ./src/enterprise/apply.ts








async function attempt(change, run) {
    try {
        return { ...change, outcome: (await run()) ?? 'done' };
    }
    catch (err) {
        return { ...change, outcome: 'failed', error: (0,errors/* failureOf */.g5)(err) };
    }
}
async function applyPolicy(ctx, change) {
    const { client, wanted } = ctx;
    const leaving = change.before?.scopeOnly === true ||
        change.after?.scopeOnly === true;
    return attempt(change, () => change.resource === 'retention'
        ? applyRetention(client, wanted.namespace, change)
        : leaving
            ? applyImmutabilityLeaving(client, wanted.namespace, change)
            : applyImmutability(client, wanted.namespace, wanted.repositories, change));
}
/** Deletes a repository: gone already (404) is another run's doing; a lost answer is read back. */
async function deleteRepository(ctx, change) {
    const repository = change.name.slice(ctx.wanted.namespace.length + 1);
    const result = await ctx.client.deleteRepository(ctx.wanted.namespace, repository);
    if (result.outcome === 'absent') {
        ctx.log.info(`Repository "${change.name}": deleted by another run at the same time`);
        return 'found done';
    }
    const lost = result.lost ? '; its answer was lost, and a read shows it gone' : '';
    ctx.log.info(`Repository "${change.name}": deleted${lost}`);
    return 'done';
}
async function applyEnterprisePlan(plan, ctx) {
    const { client, wanted, log } = ctx;
    const skipped = (c) => ({ ...c, outcome: 'skipped' });
    const namespace = plan.namespaceChange
        ? await attempt(plan.namespaceChange, () => applyNamespace(client, plan.namespaceChange, log))
        : undefined;
    if (namespace?.outcome === 'failed') {
        return {
            namespace,
            repositories: plan.repositories.map(r => (r.change ? skipped(r.change) : undefined)),
            policies: plan.policies.map(skipped),
            failure: namespace.error
        };
    }
    // Repositories taken down leave the immutable tag rules' scope first: a rule the action
    // scoped to one would keep it from being deleted. The retention policy's scope is narrowed
    // after the deletes, and only for the repositories that are gone.
    const policies = [];
    const first = deletesAny(plan);
    const before = first ? plan.policies.filter(c => c.resource !== 'retention') : [];
    for (const change of before)
        policies.push(await applyPolicy(ctx, change));
    const repositories = await (0,pool/* mapPool */.P)(plan.repositories, ctx.concurrency, async (rp) => {
        const change = rp.change;
        if (!change)
            return undefined;
        if (isPushCreate(change))
            return { ...change, outcome: 'on first push' };
        if (change.action === 'delete')
            return attempt(change, () => deleteRepository(ctx, change));
        return attempt(change, () => applyRepository(client, wanted.namespace, rp.repository, change));
    });
    const after = first ? retentionAfter(plan, repositories) : plan.policies;
    for (const change of after)
        policies.push(await applyPolicy(ctx, change));
    return { ...(namespace ? { namespace } : {}), repositories, policies };
}
/**
 * The retention change to apply after the deletes: as planned when every repository leaving
 * its scope is gone; else planned again without those whose delete failed, which still exist
 * and keep their retention rules.
 */
function retentionAfter(plan, records) {
    const planned = plan.policies.filter(c => c.resource === 'retention');
    const stays = new Set(plan.repositories
        .filter((rp, i) => rp.absent && ['failed', 'skipped'].includes(records[i]?.outcome ?? ''))
        .map(rp => rp.repository));
    const scope = plan.retentionScope;
    if (stays.size === 0 || !scope)
        return planned;
    const leaving = new Set(scope.leaving.filter(name => !stays.has(name)));
    const change = retentionLeaving(plan.namespace, scope.policies, scope.planned, leaving);
    return change ? [change] : [];
}

;// CONCATENATED MODULE: ./src/enterprise/instance.ts
class InstanceNotRunningError extends Error {
    name = 'InstanceNotRunningError';
    constructor(instance) {
        super(`SWR Enterprise Edition instance "${instance.name}" (${instance.id}) is ${instance.status || 'in no state'}, not Running: it serves no namespace, repository or login until it is Running. A new instance takes several minutes to start; check its state in the SWR console.`);
    }
}
function checkRunning(instance) {
    if (instance.status !== 'Running')
        throw new InstanceNotRunningError(instance);
    return instance;
}
/** The registry host: the registry input, else the instance's access address. */
function registryOf(instance, registry) {
    const host = registry ?? instance?.accessAddress;
    if (!host && instance?.badAccessAddress) {
        throw new Error(`The instance answered the access address ${instance.badAccessAddress}, which is not a registry host name: it is not trusted. Set input registry to the host users push to.`);
    }
    if (!host) {
        throw new Error('The instance did not name its access address: set input registry to the host users push to.');
    }
    return host;
}

;// CONCATENATED MODULE: ./src/enterprise/plan.ts






/** Taking a repository down: a delete when it exists (with its artifact count), else nothing. */
function planRemoval(wanted, repository, observation, why, prunedBy) {
    const name = `${wanted.namespace}/${repository}`;
    const read = observation.read;
    const base = {
        repository,
        name,
        exists: read?.state === 'exists',
        drift: [],
        absent: true,
        ...(prunedBy !== undefined ? { prunedBy } : {})
    };
    if (observation.error !== undefined || !read) {
        return { ...base, failure: observation.error ?? `${name} was not read` };
    }
    if (read.state !== 'exists')
        return base;
    const { artifacts } = read.info;
    const count = artifacts === undefined
        ? ''
        : `; it holds ${artifacts} artifact${artifacts === 1 ? '' : 's'}, deleted with it`;
    const change = {
        resource: 'repository',
        name,
        action: 'delete',
        before: {
            description: read.info.description,
            ...(artifacts !== undefined ? { images: artifacts } : {})
        },
        after: null,
        reason: `${why}${count}`
    };
    return { ...base, change };
}
function planRepository(wanted, repository, observation) {
    const name = `${wanted.namespace}/${repository}`;
    const read = observation.read;
    const base = {
        repository,
        name,
        exists: read?.state === 'exists',
        ...(read?.state === 'exists' ? { description: read.info.description } : {}),
        drift: []
    };
    if (observation.error !== undefined || !read) {
        return { ...base, failure: observation.error ?? `${name} was not read` };
    }
    const diff = diffRepository(wanted, name, read);
    return {
        ...base,
        drift: diff.drift,
        ...(diff.change ? { change: diff.change } : {}),
        ...(diff.warning ? { warning: diff.warning } : {}),
        ...(diff.failure ? { failure: diff.failure } : {})
    };
}
/** The namespace policies' changes; `failure` under on_drift: fail. */
function planPolicies(wanted, observed, leaving) {
    const { namespace, repositories, retention, immutableTags, onDrift } = wanted;
    const exists = observed.namespace !== 'missing';
    const kept = retention
        ? diffRetention(namespace, retention, repositories, exists ? observed.retention : undefined)
        : {};
    const immutable = immutableTags
        ? diffImmutability(namespace, immutableTags, repositories, exists ? observed.immutable : undefined, onDrift)
        : { changes: [] };
    // An instance whose gate says one rule a policy is not sent a policy of several.
    const refusal = kept.change && observed.combinationRetention === false
        ? oneRuleRefusal(kept.change, repositories)
        : undefined;
    const refused = kept.change && refusal ? [{ ...kept.change, outcome: 'failed', error: refusal }] : [];
    const retentionChange = refusal
        ? undefined
        : retentionLeaving(namespace, exists ? observed.retention : undefined, kept.change, leaving);
    const narrowed = exists ? immutabilityLeaving(namespace, observed.immutable, leaving) : [];
    // Under a one-rule refusal the retention policy is not written at all, so the scope of the
    // repositories leaving is not narrowed either (docs/swr-enterprise.md).
    const retentionScope = leaving.size > 0 && !refusal
        ? {
            ...(exists && observed.retention ? { policies: observed.retention } : {}),
            ...(kept.change ? { planned: kept.change } : {}),
            leaving: [...leaving]
        }
        : undefined;
    return {
        changes: [...(retentionChange ? [retentionChange] : []), ...immutable.changes, ...narrowed],
        ...(retentionScope ? { retentionScope } : {}),
        refused,
        warnings: [kept.warning, immutable.warning].filter((w) => w !== undefined),
        ...(immutable.failure ? { failure: immutable.failure } : {})
    };
}
function makeEnterprisePlan(wanted, observed) {
    const removing = wanted.ensure === 'absent';
    // A namespace is never created to delete what it cannot hold, and never deleted.
    const ns = removing ? { drift: [] } : diffNamespace(wanted, observed.namespace);
    const listed = wanted.repositories.map((repository, i) => removing
        ? planRemoval(wanted, repository, observed.repositories[i] ?? {}, 'ensure: absent')
        : planRepository(wanted, repository, observed.repositories[i] ?? {}));
    const pruned = (observed.pruned ?? []).map(p => planRemoval(wanted, p.repository, { read: p.read }, `it matches prune pattern "${p.pattern}" and is not listed in repository`, p.pattern));
    const repositories = [...listed, ...pruned];
    // What is (or already was) taken down leaves the scope of the rules that name it.
    const leaving = new Set(repositories.filter(r => r.absent && !r.failure).map(r => r.repository));
    const policies = planPolicies(wanted, observed, leaving);
    const failure = ns.failure ?? policies.failure;
    const warnings = [
        ...(observed.warnings ?? []),
        ...(ns.warning ? [ns.warning] : []),
        ...repositories.flatMap(r => (r.warning ? [r.warning] : [])),
        ...policies.warnings
    ];
    const base = { namespace: wanted.namespace, namespaceDrift: ns.drift, warnings };
    // Drift that fails the run fails it whole: nothing is changed, every repository reports it.
    if (failure) {
        const failed = repositories.map(({ change: _change, ...r }) => ({ ...r, failure }));
        return { ...base, repositories: failed, policies: [], refused: [], failure };
    }
    return {
        ...base,
        ...(ns.change ? { namespaceChange: ns.change } : {}),
        repositories,
        policies: policies.changes,
        refused: policies.refused,
        ...(policies.retentionScope ? { retentionScope: policies.retentionScope } : {})
    };
}
/** Every change in the order it applies: the namespace, the repositories, the policies. */
function enterpriseChanges(plan) {
    const repositories = plan.repositories.flatMap(r => (r.change ? [r.change] : []));
    const policies = [
        ...plan.refused.map(({ outcome: _outcome, error: _error, ...change }) => change),
        ...plan.policies
    ];
    // Repositories taken down leave the immutable tag rules' scope before they are deleted, and
    // the retention policy's once they are.
    const ordered = deletesAny(plan)
        ? aroundDeletes(policies, repositories)
        : [...repositories, ...policies];
    return [...(plan.namespaceChange ? [plan.namespaceChange] : []), ...ordered];
}

// EXTERNAL MODULE: ./src/resources/prune.ts
var prune = __webpack_require__(477);
// EXTERNAL MODULE: ./src/swr/names.ts
var names = __webpack_require__(5604);
;// CONCATENATED MODULE: ./src/enterprise/read.ts
// Reads what the instance's plan needs, and nothing more: the instance (its status and
// address), the namespace, each repository, and the namespace's retention policies and
// immutable tag rules only when the inputs ask about them. With the registry given, the
// instance is read only when an answer leaves its state in doubt (something reads as missing,
// or a read fails), since a stopped instance answers every other call with an error.







async function readRepositories(client, wanted, concurrency) {
    return (0,pool/* mapPool */.P)(wanted.repositories, concurrency, async (repository) => {
        try {
            return { read: await client.readRepository(wanted.namespace, repository) };
        }
        catch (err) {
            // A refusal of the credentials stops the run before anything is planned.
            if (err instanceof errors/* CredentialsRefused */.Rl)
                throw err;
            return { error: (0,values/* messageOf */.bD)(err) };
        }
    });
}
/** Everything but the instance; a failed repository read is that repository's alone. */
async function readNamespaceState(client, wanted, concurrency) {
    const namespace = await client.readNamespace(wanted.namespace);
    if (namespace === 'missing') {
        // A new namespace holds nothing: no repository, policy or rule to read.
        const repositories = wanted.repositories.map(() => ({ read: { state: 'absent' } }));
        return withGate(client, wanted, { namespace, repositories });
    }
    const removing = wanted.ensure === 'absent' || (wanted.prune ?? []).length > 0;
    const [repositories, retention, immutable, pruned] = await Promise.all([
        readRepositories(client, wanted, concurrency),
        // Taking repositories down reads the policies too: they may name them (scope.ts).
        wanted.retention || removing ? client.listRetentionPolicies(wanted.namespace) : undefined,
        wanted.immutableTags || removing ? client.listImmutableRules(wanted.namespace) : undefined,
        (wanted.prune ?? []).length > 0 ? readPruned(client, wanted) : undefined
    ]);
    return withGate(client, wanted, {
        namespace,
        repositories,
        ...(pruned ?? {}),
        ...(retention ? { retention } : {}),
        ...(immutable ? { immutable } : {})
    });
}
/**
 * The namespace's repositories that match a prune pattern and are not listed, from its whole
 * list (every page): the list item is the read, artifact count included.
 */
async function readPruned(client, wanted) {
    const { infos, dropped } = await client.listRepositories(wanted.namespace);
    const warning = (0,names/* droppedNamesWarning */.de)(`namespace "${wanted.namespace}"`, dropped);
    const byName = new Map(infos.map(info => [info.name, info]));
    const pruned = (0,prune/* prunedMatches */.i)(byName.keys(), wanted.repositories, wanted.prune ?? []).map(({ repository, pattern }) => ({
        repository,
        pattern,
        read: { state: 'exists', info: byName.get(repository) }
    }));
    return { pruned, ...(warning ? { warnings: [warning] } : {}) };
}
/**
 * The instance's feature gate for retention policies of several rules, read only when the
 * plan would send one (docs/swr-enterprise.md): a policy of one rule costs no request more.
 */
async function withGate(client, wanted, state) {
    if (!wanted.retention)
        return state;
    const existing = state.namespace === 'missing' ? undefined : (state.retention ?? []);
    const { change } = diffRetention(wanted.namespace, wanted.retention, wanted.repositories, existing);
    const rules = change?.after?.rules ?? [];
    if (rules.length <= 1)
        return state;
    // A gate that cannot be read leaves it to the instance's answer to the write; a refusal of
    // the credentials stops the run all the same.
    const gate = await client.readCombinationRetention().catch((err) => {
        if (err instanceof errors/* CredentialsRefused */.Rl)
            throw err;
        return undefined;
    });
    return gate === undefined ? state : { ...state, combinationRetention: gate };
}
const inDoubt = (state) => state.namespace === 'missing' ||
    state.repositories.some(r => r.error !== undefined || r.read?.state === 'absent');
async function readEnterpriseState(client, wanted, options) {
    if (!options.registryGiven) {
        const instance = checkRunning(await client.readInstance());
        return { instance, ...(await readNamespaceState(client, wanted, options.concurrency)) };
    }
    let state;
    try {
        state = await readNamespaceState(client, wanted, options.concurrency);
    }
    catch (err) {
        // The instance's state explains the failure better, when it is not Running.
        checkRunning(await client.readInstance());
        throw err;
    }
    if (!inDoubt(state))
        return state;
    return { instance: checkRunning(await client.readInstance()), ...state };
}

// EXTERNAL MODULE: ./src/report.ts
var report = __webpack_require__(665);
;// CONCATENATED MODULE: ./src/enterprise/report.ts


const FIRST_PUSH_NOTE = 'the first docker push creates it';
const planned = (change) => ({ ...change, outcome: 'planned' });
/** Every change with what became of it (planned, in a dry run). */
function recordsOf(plan, applied) {
    if (applied) {
        return {
            namespace: applied.namespace,
            repositories: applied.repositories,
            policies: [...plan.refused, ...applied.policies]
        };
    }
    return {
        namespace: plan.namespaceChange ? planned(plan.namespaceChange) : undefined,
        repositories: plan.repositories.map(r => r.change
            ? isPushCreate(r.change)
                ? { ...r.change, outcome: 'on first push' }
                : planned(r.change)
            : undefined),
        policies: [...plan.refused, ...plan.policies.map(planned)]
    };
}
/** The outcome of several changes of one kind, as one word for a repository's result. */
function combined(records, wanted) {
    if (!wanted)
        return undefined;
    const worst = ['failed', 'skipped'].find(o => records.some(r => r.outcome === o));
    if (worst)
        return worst;
    const actions = [...new Set(records.map(r => (0,report/* accessAction */.F)(r)))];
    if (actions.length <= 1)
        return actions[0] ?? 'unchanged';
    return records.some(r => r.outcome === 'planned') ? 'would update' : 'updated';
}
function actionOf(rp, record) {
    if (rp.absent) {
        if (!record)
            return 'absent';
        return record.outcome === 'planned' ? 'would delete' : 'deleted';
    }
    if (!rp.exists)
        return 'pending push';
    if (record?.outcome === 'planned')
        return 'would update';
    return record?.outcome === 'done' ? 'updated' : 'unchanged';
}
/** The description the repository has after the run (or would have, in a dry run). */
function descriptionOf(rp, record) {
    if (record?.outcome === 'done' || record?.outcome === 'planned') {
        return record.after.description;
    }
    return rp.description;
}
function buildEnterpriseReport(wanted, plan, applied, registry) {
    const records = recordsOf(plan, applied);
    const byKind = (kind) => records.policies.filter(r => r.resource === kind);
    const namespaceFailure = applied?.failure;
    // A namespace that could not be created leaves nothing to push to; a failed update does.
    const pushable = !(records.namespace?.action === 'create' && namespaceFailure !== undefined);
    // The namespace's policies are the same for every repository: they were tried, unless the
    // namespace or the plan failed first, and one that failed fails them all.
    const tried = namespaceFailure === undefined && plan.failure === undefined;
    const retention = combined(byKind('retention'), wanted.retention !== undefined && tried);
    const immutability = combined(byKind('immutability'), wanted.immutableTags !== undefined && tried);
    const failedPolicy = policyError(records.policies);
    const deleted = [];
    // Whether some repository's result carries the failed policy; else it is reported alone.
    let carried = false;
    const repositories = plan.repositories.map((rp, i) => {
        const record = records.repositories[i];
        const own = namespaceFailure ?? rp.failure ?? record?.error;
        if (rp.absent) {
            // A repository taken down has its own outcome: a scope narrowed for it that failed is
            // the namespace's failure, reported apart, not this repository's.
            const error = own;
            if (record?.outcome === 'done')
                deleted.push(`${registry}/${rp.name}`);
            // A repository whose delete failed is still there, at its path.
            const stays = record !== undefined && ['failed', 'skipped'].includes(record.outcome);
            return {
                repository: rp.repository,
                path: stays ? `${registry}/${rp.name}` : '',
                action: error ? 'failed' : actionOf(rp, record),
                created: false,
                updated: false,
                drift: [],
                ...(rp.prunedBy !== undefined ? { note: `matches prune pattern "${rp.prunedBy}"` } : {}),
                ...(error !== undefined ? { error } : {})
            };
        }
        const error = own ?? failedPolicy;
        if (own === undefined && failedPolicy !== undefined)
            carried = true;
        const description = descriptionOf(rp, record);
        return {
            repository: rp.repository,
            path: pushable ? `${registry}/${rp.name}` : '',
            action: error ? 'failed' : actionOf(rp, record),
            created: false,
            updated: record?.outcome === 'done' && record.action === 'update',
            drift: [...plan.namespaceDrift, ...rp.drift],
            ...(description !== undefined ? { description } : {}),
            ...(retention ? { retention } : {}),
            ...(immutability ? { immutability } : {}),
            ...(!rp.exists && !error ? { note: FIRST_PUSH_NOTE } : {}),
            ...(error !== undefined ? { error } : {})
        };
    });
    const repositoryRecords = records.repositories.filter((r) => r !== undefined);
    // In the order they apply: repositories taken down leave the immutable tag rules' scope
    // first, the retention policy's once deleted.
    const ordered = deletesAny(plan)
        ? aroundDeletes(records.policies, repositoryRecords)
        : [...repositoryRecords, ...records.policies];
    const changes = [...(records.namespace ? [records.namespace] : []), ...ordered];
    return {
        namespace: plan.namespace,
        dryRun: applied === undefined,
        organization: namespaceOutcome(records.namespace),
        changes,
        repositories,
        replicaPaths: [],
        warnings: plan.warnings,
        deleted,
        ...(failedPolicy !== undefined && !carried ? { namespaceErrors: [failedPolicy] } : {})
    };
}
/** A failed namespace policy fails every repository it is scoped to: all of them. */
function policyError(policies) {
    return policies.find(r => r.outcome === 'failed')?.error;
}
function namespaceOutcome(record) {
    if (!record)
        return 'exists';
    if (record.outcome === 'planned')
        return record.action === 'create' ? 'would create' : 'exists';
    // A namespace whose visibility could not be changed still exists.
    if (record.outcome === 'failed')
        return record.action === 'create' ? 'failed' : 'exists';
    return record.action === 'create' && record.outcome === 'done' ? 'created' : 'exists';
}

;// CONCATENATED MODULE: ./src/enterprise/converge.ts






function enterpriseEdition(wanted, client, options) {
    const { concurrency, log } = options;
    return {
        async read() {
            const registryGiven = options.registry !== undefined;
            const observed = await readEnterpriseState(client, wanted, { concurrency, registryGiven });
            return { observed, registry: registryOf(observed.instance, options.registry) };
        },
        plan(read) {
            const plan = makeEnterprisePlan(wanted, read.observed);
            const deletions = plan.repositories
                .filter(r => r.change?.action === 'delete')
                .map(r => r.name);
            return { plan: { ...read, plan }, changes: enterpriseChanges(plan), deletions };
        },
        apply({ plan }) {
            return applyEnterprisePlan(plan, { client, wanted, log, concurrency });
        },
        report({ plan, registry, observed }, applied) {
            const report = buildEnterpriseReport(wanted, plan, applied, registry);
            const summary = renderEnterpriseSummary(wanted, report, observed.instance);
            return { report, paths: { knownHost: registry }, summary };
        }
    };
}

// EXTERNAL MODULE: ./src/github/finish.ts + 2 modules
var finish = __webpack_require__(7387);
// EXTERNAL MODULE: ./src/github/runner.ts + 1 modules
var runner = __webpack_require__(9823);
// EXTERNAL MODULE: ./src/swr/errors.ts
var swr_errors = __webpack_require__(6757);
;// CONCATENATED MODULE: ./src/swr/enterprise-client.ts
// The SWR Enterprise Edition API (the official Go SDK's swr/v2 requests, the Terraform
// provider's swr_enterprise_* resources; README, "Enterprise Edition"), as the operations the
// instance's resources need. Every path starts with the instance's prefix and
// every request names the project in X-Project-Id. Like SwrClient, it turns answers into plain
// outcomes and leaves what to do about them to the resources.



/** The items of a list answer: a bare array, or the first array under one of `keys`. */
function itemsOf(json, keys) {
    const list = Array.isArray(json)
        ? json
        : (0,values/* isObject */.Gv)(json)
            ? keys.map(k => json[k]).find(Array.isArray)
            : undefined;
    return (list ?? []).filter(values/* isObject */.Gv);
}
/**
 * The API wants a "/" in a repository name encoded twice ("team/app" -> "team%252Fapp"); the
 * signature is computed over the path decoded once, as the official signers do.
 */
function repositorySegment(repository) {
    return encodeURIComponent(encodeURIComponent((0,names/* checkedSegment */.zw)(repository)));
}
/**
 * Not found: the notes infer 404, and some calls are documented with 400, so both count. The
 * API gateway's own 404 (no such API) does not.
 */
function isMissing(answer) {
    if (answer.error.code?.startsWith('APIGW.'))
        return false;
    return answer.status === 404 || answer.status === 400;
}
/** A retention policy that does not exist: answered 400 with this code (evidence §2). */
const RETENTION_NOT_FOUND = 'SWR.400003';
/** The hint to a final 404 that is not the gateway's: the instance or project is not there. */
const enterprisePolicy = {
    isTransient: swr_errors/* swrPolicy */.vX.isTransient,
    isRefusedUnprocessed: swr_errors/* swrPolicy */.vX.isRefusedUnprocessed,
    hint(status, error, context) {
        if (status === 404 && !error.code?.startsWith('APIGW.'))
            return undefined;
        return swr_errors/* swrPolicy */.vX.hint(status, error, context);
    },
    refusesCredentials: swr_errors/* swrPolicy */.vX.refusesCredentials
};
/** The 403 hint: the IAM permission a call needs (README, "Enterprise Edition"). */
function permission(what) {
    return (answer) => answer.status === 403
        ? `The IAM user or agency needs the permission to ${what} in SWR Enterprise Edition (see "Enterprise Edition" in the README).`
        : undefined;
}
/**
 * The 400 hint to a retention policy of several rules: an instance may take one rule a policy
 * (docs/swr-enterprise.md), and keeping exception or signature tags takes a second.
 */
function retentionHint(policy, what) {
    const needs = permission(what);
    return (answer) => needs(answer) ??
        (answer.status === 400 && policy.rules.length > 1
            ? `The policy holds ${policy.rules.length} rules, and the instance may take one a policy (the official SDK says so of updates). A second rule is what keeps the tags of retention_exceptions and the signature tags (retention_keep_signatures, on by default), and rules kept for other repositories of the namespace count too. One rule cannot keep them: drop retention_exceptions and set retention_keep_signatures to false only if those tags may be deleted, or leave this namespace's retention to the console.`
            : undefined);
}
function repositoryInfoOf(o, name) {
    const description = typeof o['description'] === 'string' ? o['description'] : '';
    const count = o['artifact_count'];
    const artifacts = Number.isSafeInteger(count) && count >= 0 ? count : undefined;
    return { name, description, ...(artifacts !== undefined ? { artifacts } : {}) };
}
/**
 * What the user can do about a delete the instance refused: the permission (403), or the
 * state that keeps it (immutable tags, answered 412 by Harbor, or another 4xx).
 */
function deleteHint(answer) {
    const needs = permission('delete repositories')(answer);
    if (needs)
        return needs;
    if ([400, 406, 409, 412, 423].includes(answer.status)) {
        return 'The instance says the repository cannot be deleted now, e.g. because immutable tag rules of its namespace keep its tags: remove it from their scope (or disable them) in the SWR console, or do what the message says, then run again; the other repositories were handled';
    }
    return undefined;
}
function instanceInfo(json, id) {
    const o = (0,values/* isObject */.Gv)(json) ? json : {};
    const answered = String(o['access_address'] ?? '');
    // The notes leave open whether a scheme comes with it; a host is what docker wants, and the
    // host of every image path: anything else (a line break, a path) is not taken.
    const address = answered.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
    const host = !(0,values/* hasControl */.aQ)(address) && names/* REGISTRY_HOST */.zv.test(address);
    return {
        id: String(o['id'] ?? id),
        name: String(o['name'] ?? id),
        status: String(o['status'] ?? ''),
        accessAddress: host ? address : '',
        ...(answered && !host ? { badAccessAddress: (0,values/* quoted */.TL)(answered, 100) } : {})
    };
}
function namespaceInfo(json, name) {
    const o = (0,values/* isObject */.Gv)(json) ? json : {};
    const metadata = (0,values/* isObject */.Gv)(o['metadata']) ? o['metadata'] : {};
    return { name: String(o['name'] ?? name), isPublic: String(metadata['public']) === 'true' };
}
function retentionPolicyOf(item) {
    const trigger = (0,values/* isObject */.Gv)(item['trigger']) ? item['trigger'] : {};
    return {
        id: Number(item['id']),
        name: String(item['name'] ?? ''),
        algorithm: 'or',
        enabled: item['enabled'] !== false,
        rules: Array.isArray(item['rules']) ? item['rules'] : [],
        trigger: trigger
    };
}
class SwrEnterpriseClient {
    api;
    projectId;
    instanceId;
    constructor(api, projectId, instanceId) {
        this.api = api;
        this.projectId = projectId;
        this.instanceId = instanceId;
    }
    get prefix() {
        return `/v2/${encodeURIComponent(this.projectId)}/instances/${encodeURIComponent(this.instanceId)}`;
    }
    call(request, options) {
        const headers = { ...request.headers, 'X-Project-Id': this.projectId };
        return this.api.call({ ...request, path: `${this.prefix}${request.path}`, headers }, options);
    }
    ns(namespace) {
        return `/namespaces/${encodeURIComponent(namespace)}`;
    }
    repo(namespace, repository) {
        return `${this.ns(namespace)}/repositories/${repositorySegment(repository)}`;
    }
    async readInstance() {
        const operation = `read SWR Enterprise Edition instance "${this.instanceId}"`;
        const answer = await this.call({ operation, method: 'GET', path: '' }, {
            ok: [200],
            accept: isMissing,
            hint: a => a.status === 403
                ? `Either project ${this.projectId} is not this account's project in the region (check project_id and HUAWEI_CLOUD_PROJECT_ID), or the IAM user or agency lacks the permission to read SWR Enterprise Edition instances (see "Enterprise Edition" in the README).`
                : undefined
        });
        if (answer.asError) {
            throw new Error(`${answer.asError.message}. No instance with id "${this.instanceId}" was found in project ${this.projectId}: check instance_id, and that region (or project_id) is where the instance is.`, { cause: answer.asError });
        }
        return instanceInfo(answer.json, this.instanceId);
    }
    /**
     * Whether a retention policy may hold more than one rule: the instance's feature gate
     * enableCombinationRetention (docs/swr-enterprise.md). Undefined when the gates cannot be
     * read (refused, or no such API) or do not say: the instance's own answer will tell.
     */
    async readCombinationRetention() {
        const answer = await this.call({
            operation: 'read the feature gates of the instance',
            method: 'GET',
            path: '/feature-gates'
        }, { ok: [200], accept: a => isMissing(a) || a.status === 403 });
        const gate = (0,values/* isObject */.Gv)(answer.json) ? answer.json['enableCombinationRetention'] : undefined;
        return typeof gate === 'boolean' ? gate : undefined;
    }
    async readNamespace(namespace) {
        const answer = await this.call({ operation: `read namespace "${namespace}"`, method: 'GET', path: this.ns(namespace) }, { ok: [200], accept: isMissing, hint: permission('read namespaces') });
        if (answer.status !== 200)
            return 'missing';
        const other = (0,values/* isObject */.Gv)(answer.json) && (0,names/* answeredOther */.WE)(answer.json, { name: namespace });
        if (other)
            throw new Error(`read namespace "${namespace}" failed: ${other}`);
        return namespaceInfo(answer.json, namespace);
    }
    /** Refused with a 409 or 400: a duplicate, or a refusal; the caller reads back to tell. */
    async createNamespace(namespace, isPublic) {
        const answer = await this.call({
            operation: `create namespace "${namespace}"`,
            method: 'POST',
            path: '/namespaces',
            body: { namespace_name: namespace, metadata: { public: String(isPublic) } }
        }, {
            ok: [200, 201],
            accept: a => a.status === 409 || a.status === 400,
            readBack: async () => (await this.readNamespace(namespace)) !== 'missing',
            hint: a => a.status === 403 && isPublic
                ? 'The IAM user or agency needs the permission to create namespaces in SWR Enterprise Edition, and swr:EnablePublicNameSpace for a public one (see "Enterprise Edition" in the README).'
                : permission('create namespaces')(a)
        });
        // Right after an attempt whose answer was lost, a 409 most likely answers that attempt.
        if (!answer.asError || answer.afterLostAttempt)
            return { outcome: 'created' };
        return { outcome: 'refused', error: answer.asError };
    }
    async updateNamespace(namespace, isPublic) {
        await this.call({
            operation: `update namespace "${namespace}"`,
            method: 'PUT',
            path: this.ns(namespace),
            body: { metadata: { public: String(isPublic) } }
        }, { ok: [200, 201, 204], hint: permission('update namespaces') });
    }
    async readRepository(namespace, repository) {
        const operation = `read repository "${namespace}/${repository}"`;
        const answer = await this.call({ operation, method: 'GET', path: this.repo(namespace, repository) }, { ok: [200], accept: isMissing, hint: permission('read repositories') });
        if (answer.status !== 200)
            return { state: 'absent' };
        const o = (0,values/* isObject */.Gv)(answer.json) ? answer.json : {};
        // Harbor names a repository with its project ("group/app"); the notes show it without.
        const full = `${namespace}/${repository}`;
        const withProject = typeof o['name'] === 'string' && (0,names/* sameName */.q)(o['name'], full);
        const other = (0,names/* answeredOther */.WE)(o, {
            namespace_name: namespace,
            name: withProject ? full : repository
        });
        if (other)
            throw new Error(`${operation} failed: ${other}`);
        return { state: 'exists', info: repositoryInfoOf(o, repository) };
    }
    /**
     * Deletes the repository with its artifacts. 'absent' when the instance says it does not
     * exist (404; a 400 only once a read shows it gone, since a refusal may answer 400 too);
     * `lost` when the answer was lost and a read showed it gone.
     */
    async deleteRepository(namespace, repository) {
        const gone = async () => (await this.readRepository(namespace, repository)).state === 'absent';
        const answer = await this.call({
            operation: `delete repository "${namespace}/${repository}"`,
            method: 'DELETE',
            path: this.repo(namespace, repository)
        }, { ok: [200, 202, 204], accept: isMissing, readBack: gone, hint: deleteHint });
        if (answer.lost)
            return { outcome: 'deleted', lost: true };
        if (answer.status === 400 && !(await gone()))
            throw answer.asError;
        if (answer.status === 404 || answer.status === 400) {
            return answer.afterLostAttempt
                ? { outcome: 'deleted', lost: true }
                : { outcome: 'absent', lost: false };
        }
        return { outcome: 'deleted', lost: false };
    }
    /**
     * The namespace's repositories, every page (100 each), under their names without the
     * namespace (Harbor names them "group/app"), each once; items of another namespace are
     * dropped, and so are items whose name breaks the name rule (`dropped`, as answered).
     */
    async listRepositories(namespace) {
        const operation = `list the repositories of namespace "${namespace}"`;
        const page = async (offset) => {
            const { json } = await this.call({
                operation,
                method: 'GET',
                path: `${this.ns(namespace)}/repositories`,
                query: { limit: '100', offset: String(offset) }
            }, { ok: [200], hint: permission('list repositories') });
            if (!(0,values/* isObject */.Gv)(json) || !Array.isArray(json['repositories'])) {
                throw new Error(`${operation} failed: the answer is not a list of repositories`);
            }
            const total = typeof json['total'] === 'number' ? json['total'] : undefined;
            return { items: json['repositories'].filter(values/* isObject */.Gv), total };
        };
        const first = await page(0);
        const items = [...first.items];
        if (first.total !== undefined) {
            // The first page's total says how many more there are: read them all at once.
            const offsets = [];
            for (let offset = 100; offset < first.total; offset += 100)
                offsets.push(offset);
            for (const rest of await Promise.all(offsets.map(page)))
                items.push(...rest.items);
        }
        else {
            for (let last = first.items; last.length === 100;) {
                last = (await page(items.length)).items;
                items.push(...last);
            }
        }
        // Keyed by name: a list that shifts between page reads shows an item on two pages, and it
        // is one repository (planned, counted and deleted once).
        const found = new Map();
        const dropped = [];
        for (const item of items) {
            const ns = item['namespace_name'];
            const raw = item['name'];
            if (typeof raw !== 'string' || (ns !== undefined && ns !== namespace))
                continue;
            const name = raw.startsWith(`${namespace}/`) ? raw.slice(namespace.length + 1) : raw;
            // A name that breaks the name rule is no repository to match or delete (a ".." would
            // address the namespace's path): dropped, and said; case is kept, compared exactly.
            if (!(0,names/* isValidRepositoryName */.oi)(name)) {
                if (!dropped.includes(raw))
                    dropped.push(raw);
                continue;
            }
            found.set(name, repositoryInfoOf(item, name));
        }
        return { infos: [...found.values()], dropped };
    }
    async updateRepository(namespace, repository, description) {
        await this.call({
            operation: `update repository "${namespace}/${repository}"`,
            method: 'PUT',
            path: this.repo(namespace, repository),
            body: { description }
        }, { ok: [200, 201, 204], hint: permission('update repositories') });
    }
    /** The namespace's retention policies, from the instance-wide list (pages of 100). */
    async listRetentionPolicies(namespace) {
        return (await this.pages('/retention/policies', 'read the retention policies of the instance', [
            'retentions',
            'policies'
        ]))
            .filter(item => item['namespace_name'] === namespace)
            .map(retentionPolicyOf);
    }
    /** `isOurs` tells, in a read after a lost answer, whether the policy was made. */
    async createRetentionPolicy(namespace, policy, isOurs) {
        await this.call({
            operation: `create retention policy of namespace "${namespace}"`,
            method: 'POST',
            path: `${this.ns(namespace)}/retention/policies`,
            body: policy
        }, {
            ok: [200, 201],
            readBack: async () => (await this.listRetentionPolicies(namespace)).some(isOurs),
            hint: retentionHint(policy, 'create retention policies')
        });
    }
    async updateRetentionPolicy(namespace, id, policy) {
        await this.call({
            operation: `update retention policy ${id} of namespace "${namespace}"`,
            method: 'PUT',
            path: `${this.ns(namespace)}/retention/policies/${id}`,
            body: policy
        }, { ok: [200, 201, 204], hint: retentionHint(policy, 'update retention policies') });
    }
    /**
     * A policy that is already gone (404, or 400 SWR.400003: evidence §2) counts as deleted;
     * another 400 only once the list shows it gone, since a refusal may answer 400 too.
     */
    async deleteRetentionPolicy(namespace, id) {
        const answer = await this.call({
            operation: `delete retention policy ${id} of namespace "${namespace}"`,
            method: 'DELETE',
            path: `${this.ns(namespace)}/retention/policies/${id}`
        }, { ok: [200, 204], accept: isMissing, hint: permission('delete retention policies') });
        if (answer.status !== 400 || answer.error.code === RETENTION_NOT_FOUND)
            return;
        const stored = await this.listRetentionPolicies(namespace);
        if (stored.some(p => p.id === id))
            throw answer.asError;
    }
    /** The namespace's immutable tag rules, from the instance-wide list (pages of 100). */
    async listImmutableRules(namespace) {
        return (await this.pages('/immutabletagrules', 'read the immutable tag rules of the instance', [
            'immutable_rules',
            'rules'
        ]))
            .filter(item => item['namespace_name'] === namespace)
            .map(item => ({ ...item, id: Number(item['id']) }));
    }
    /** Every item of an instance-wide list, read 100 at a time (offsets are multiples of it). */
    async pages(path, operation, keys) {
        const items = [];
        for (let offset = 0;; offset += 100) {
            const { json } = await this.call({ operation, method: 'GET', path, query: { limit: '100', offset: String(offset) } }, { ok: [200], hint: permission('list policies and rules') });
            const page = itemsOf(json, keys);
            items.push(...page);
            const total = (0,values/* isObject */.Gv)(json) && typeof json['total'] === 'number' ? json['total'] : undefined;
            if (page.length < 100 || (total !== undefined && items.length >= total))
                return items;
        }
    }
    async createImmutableRule(namespace, rule, isOurs) {
        await this.call({
            operation: `create immutable tag rule of namespace "${namespace}"`,
            method: 'POST',
            path: `${this.ns(namespace)}/immutabletagrules`,
            body: rule
        }, {
            ok: [200, 201],
            readBack: async () => (await this.listImmutableRules(namespace)).some(isOurs),
            hint: permission('create immutable tag rules')
        });
    }
    async updateImmutableRule(namespace, id, rule) {
        await this.call({
            operation: `update immutable tag rule ${id} of namespace "${namespace}"`,
            method: 'PUT',
            path: `${this.ns(namespace)}/immutabletagrules/${id}`,
            body: rule
        }, { ok: [200, 201, 204], hint: permission('update immutable tag rules') });
    }
    /**
     * A rule that is already gone (a plain 404: evidence §2) counts as deleted; a 400 only once
     * the list shows it gone, since a refusal may answer 400 too.
     */
    async deleteImmutableRule(namespace, id) {
        const answer = await this.call({
            operation: `delete immutable tag rule ${id} of namespace "${namespace}"`,
            method: 'DELETE',
            path: `${this.ns(namespace)}/immutabletagrules/${id}`
        }, { ok: [200, 204], accept: isMissing, hint: permission('delete immutable tag rules') });
        if (answer.status !== 400)
            return;
        const stored = await this.listImmutableRules(namespace);
        if (stored.some(r => r.id === id))
            throw answer.asError;
    }
    /** A docker login for the instance, valid for a day. A retry is harmless: each answer is a login. */
    async temporaryCredential() {
        const operation = 'get a temporary docker login for the instance';
        const { json } = await this.call({ operation, method: 'POST', path: '/temp-credential' }, { ok: [200, 201], hint: permission('create temporary credentials') });
        const o = (0,values/* isObject */.Gv)(json) ? json : {};
        const userId = typeof o['user_id'] === 'string' ? o['user_id'] : '';
        const authToken = typeof o['auth_token'] === 'string' ? o['auth_token'] : '';
        if (!userId || !authToken) {
            throw new Error(`${operation} failed: the answer has no user_id and auth_token`);
        }
        const expireDate = typeof o['expire_date'] === 'string' ? o['expire_date'] : undefined;
        return { userId, authToken, ...(expireDate !== undefined ? { expireDate } : {}) };
    }
}

;// CONCATENATED MODULE: ./src/enterprise/run.ts
// Sets up an Enterprise Edition run, as standard/run.ts does the standard edition's: the project
// id, the instance's client, its edition and its docker login; main.ts runs it. It reads no
// environment (getInputs did).







function enterpriseWanted(inputs, enterprise) {
    return {
        instanceId: enterprise.instanceId,
        namespace: inputs.namespace,
        repositories: inputs.repositories,
        ...(inputs.isPublic !== undefined ? { isPublic: inputs.isPublic } : {}),
        description: inputs.description,
        onDrift: inputs.onDrift,
        ...(inputs.retention ? { retention: inputs.retention } : {}),
        ...(enterprise.immutableTags ? { immutableTags: enterprise.immutableTags } : {}),
        ...(inputs.lifecycle.ensure === 'absent' ? { ensure: 'absent' } : {}),
        ...(inputs.lifecycle.prune.length > 0 ? { prune: inputs.lifecycle.prune } : {})
    };
}
/** The instance's own temporary login, whatever the credentials: long-term keys included. */
async function dockerLogin(client, registry, dryRun) {
    if (dryRun) {
        (0,runner/* warning */.$e)('docker_login_outputs: the temporary login of the instance is issued by a POST request, which dry_run does not make; no login outputs were set.');
        return;
    }
    const login = await client.temporaryCredential();
    (0,finish/* setLoginOutputs */.Qw)({
        username: login.userId,
        password: login.authToken,
        temporary: true,
        ...(login.expireDate !== undefined ? { expiresAt: login.expireDate } : {}),
        expirySource: 'expire_date'
    }, `a temporary login to ${registry}`);
}
async function enterpriseRun(inputs, enterprise, deps) {
    const { api, credentials, log } = deps;
    const project = await resolveProjectId(enterprise, credentials.projectId, url => api(url, swr_errors/* genericPolicy */.uy, credentials.authorize));
    (0,runner/* info */.pq)(`SWR Enterprise Edition instance ${enterprise.instanceId}, project ${project.id} (from ${project.source})`);
    const client = new SwrEnterpriseClient(api(inputs.endpoint, enterprisePolicy, credentials.authorize), project.id, enterprise.instanceId);
    const wanted = enterpriseWanted(inputs, enterprise);
    const edition = enterpriseEdition(wanted, client, {
        dryRun: inputs.dryRun,
        concurrency: deps.tuning.concurrency,
        log,
        ...(inputs.registry ? { registry: inputs.registry } : {})
    });
    return {
        where: `on SWR Enterprise Edition instance ${wanted.instanceId}`,
        converge: options => (0,src_edition/* converge */.c)(edition, options),
        // The registry is the one the paths name: the input, else the instance's access address.
        dockerLogin: ({ paths }) => dockerLogin(client, paths.knownHost ?? '', inputs.dryRun)
    };
}


/***/ })

};

//# sourceMappingURL=73.index.js.map
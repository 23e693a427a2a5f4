'use strict';
/**
 * Renders the README's generated sections from the providers' own definitions and zod schemas, so
 * that the documentation and the code cannot disagree. Plain CommonJS so that both
 * `scripts/readme.mjs` (with the compiled dist/) and the jest test (with the TypeScript sources,
 * through ts-jest) can use it: the caller passes in `PROVIDERS` and `outputJsonSchema`.
 */

/** Shown instead of the time of receipt, which differs on every delivery. */
const RECEIVED_AT_PLACEHOLDER = '<time n8n received the request, ISO 8601 UTC>';

/** The marker pair around one generated section of README.md. */
function markers(id) {
	return { start: `<!-- generated:${id}:start -->`, end: `<!-- generated:${id}:end -->` };
}

/** Text safe inside a Markdown table cell: pipes escaped, and `<` outside code spans (not HTML). */
function cell(text) {
	return String(text ?? '')
		.replace(/\r?\n/g, ' ')
		.split('`')
		.map((part, i) => (i % 2 === 0 ? part.replace(/</g, '&lt;').replace(/>/g, '&gt;') : part))
		.join('`')
		.replace(/\|/g, '\\|')
		.trim();
}

function code(text) {
	return `\`${text}\``;
}

function table(header, rows) {
	const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
	for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
	return lines.join('\n');
}

/** Every member of a (possibly nested) anyOf. */
function members(schema) {
	if (schema && Array.isArray(schema.anyOf)) return schema.anyOf.flatMap(members);
	return [schema];
}

/** A JSON Schema node as a short type name: string, integer, object, string or null, … */
function typeName(schema) {
	const names = [];
	for (const member of members(schema)) {
		let name;
		if (!member || typeof member !== 'object') name = 'any';
		else if ('const' in member) name = member.const === null ? 'null' : typeof member.const;
		else if (Array.isArray(member.type)) name = member.type.join(' or ');
		else if (member.type === 'array') name = `array of ${member.items ? typeName(member.items) : 'any'}`;
		else if (typeof member.type === 'string') name = member.type;
		else if (Array.isArray(member.enum)) name = 'string';
		else name = 'any';
		for (const part of name.split(' or ')) if (!names.includes(part)) names.push(part);
	}
	// null last: "string or null" reads better than "null or string"
	names.sort((a, b) => (a === 'null') - (b === 'null'));
	return names.join(' or ');
}

/** The allowed values of a field, when the schema lists them. */
function allowedValues(schema) {
	const values = [];
	for (const member of members(schema)) {
		if (!member || typeof member !== 'object') continue;
		if ('const' in member) values.push(member.const);
		if (Array.isArray(member.enum)) values.push(...member.enum);
	}
	return values;
}

/** The object member of a field (an object, or an object-or-null), when it has properties. */
function objectMember(schema) {
	const objects = members(schema).filter((m) => m && m.type === 'object' && m.properties);
	return objects.length === 1 ? objects[0] : undefined;
}

/** Rows (path, type, description) for an object's properties, nested objects as dotted paths. */
function fieldRows(objectSchema, prefix = '') {
	const rows = [];
	const required = new Set(objectSchema.required ?? []);
	for (const [name, property] of Object.entries(objectSchema.properties ?? {})) {
		const path = prefix ? `${prefix}.${name}` : name;
		const type = `${typeName(property)}${required.has(name) ? '' : ', optional'}`;
		let description = property.description ?? '';
		const values = allowedValues(property);
		if (values.length === 1) {
			description = description ? `${description}. Always ${code(values[0])}` : `Always ${code(values[0])}`;
		} else if (values.length > 1) {
			description = `${description}${description ? '. ' : ''}One of: ${values.map(code).join(', ')}`;
		}
		rows.push([code(path), type, description]);
		const nested = objectMember(property);
		if (nested) rows.push(...fieldRows(nested, path));
		else if (property.type === 'array' && property.items) {
			const item = objectMember(property.items);
			if (item) rows.push(...fieldRows(item, `${path}[]`));
		}
	}
	return rows;
}

function keepsOtherFields(objectSchema) {
	return objectSchema.additionalProperties !== undefined && objectSchema.additionalProperties !== false;
}

/** How one variant of a union is named: by the event it carries, else by its constant fields. */
function variantLabel(variant, definition) {
	const parts = [];
	for (const [name, property] of Object.entries(variant.properties ?? {})) {
		if (!property || !('const' in property)) continue;
		const event = definition.events.find((e) => e.value === property.const);
		parts.push(event ? `${event.name} (${code(`${name}: ${property.const}`)})` : code(`${name}: ${property.const}`));
	}
	return parts.length ? parts.join(', ') : 'Other';
}

function fieldsTable(objectSchema) {
	const lines = [table(['Field', 'Type', 'Description'], fieldRows(objectSchema))];
	if (keepsOtherFields(objectSchema)) lines.push('', 'Fields the provider sends beyond these are kept as they are.');
	return lines.join('\n');
}

/** Item `data` fields; one table per event where the data schema is a union. */
function renderData(definition, outputJsonSchema) {
	const data = outputJsonSchema(definition).properties.data;
	const variants = members(data).filter((m) => m && m.type === 'object');
	if (variants.length <= 1) return fieldsTable(variants[0] ?? data);
	return variants.map((variant) => `**${variantLabel(variant, definition)}**\n\n${fieldsTable(variant)}`).join('\n\n');
}

/**
 * The item the node emits for the definition's first example, receivedAt as a placeholder.
 * `bodyKey` is nodes/shared/core/deliveryKey's (the only place that builds a body key).
 */
function exampleItem(definition, bodyKey, receivedAt = RECEIVED_AT_PLACEHOLDER) {
	const example = definition.examples[0];
	const raw = JSON.stringify(example.body);
	const described = definition.describe(definition.schema.parse(JSON.parse(raw)));
	return {
		provider: definition.provider,
		event: described.event,
		eventId: described.eventId,
		occurredAt: described.occurredAt,
		receivedAt,
		deliveryKey: described.eventId ?? bodyKey(raw),
		data: described.data,
	};
}

/** The generated part of one provider's README section. */
function renderProvider(definition, outputJsonSchema, bodyKey) {
	const example = definition.examples[0];
	return [
		'#### Events',
		'',
		table(
			['Event', 'Value (`event`)', 'Description'],
			definition.events.map((e) => [e.name, code(e.value), e.description]),
		),
		'',
		`#### Fields of \`data\``,
		'',
		`In an expression: \`{{ $json.data.<field> }}\`.`,
		'',
		renderData(definition, outputJsonSchema),
		'',
		'#### Example item',
		'',
		`What the trigger emits when ${definition.displayName} sends the *${example.title}* example as compact JSON (\`deliveryKey\`, where it is a hash, is the SHA-256 of those exact bytes):`,
		'',
		'```json',
		JSON.stringify(exampleItem(definition, bodyKey), null, 2),
		'```',
	].join('\n');
}

/** The fields every item has, from the item schema (provider-specific values left out). */
function renderItem(definition, outputJsonSchema) {
	const schema = outputJsonSchema(definition);
	const required = new Set(schema.required ?? []);
	const rows = Object.entries(schema.properties).map(([name, property]) => [
		code(name),
		`${name === 'data' ? 'object' : typeName(property)}${required.has(name) ? '' : ', optional'}`,
		property.description ?? '',
	]);
	return table(['Field', 'Type', 'Description'], rows);
}

/** Every generated section by its marker id: `item`, then one per provider id. */
function renderAll(PROVIDERS, outputJsonSchema, bodyKey) {
	const definitions = Object.values(PROVIDERS);
	const sections = { item: renderItem(definitions[0], outputJsonSchema) };
	for (const definition of definitions) sections[definition.provider] = renderProvider(definition, outputJsonSchema, bodyKey);
	return sections;
}

/** The text between a section's markers, without the newlines next to them; undefined if absent. */
function readSection(readme, id) {
	const { start, end } = markers(id);
	const from = readme.indexOf(start);
	const to = readme.indexOf(end);
	if (from < 0 || to < from) return undefined;
	return readme.slice(from + start.length, to).replace(/^\n/, '').replace(/\n$/, '');
}

/** README text with every section replaced; throws when a section's markers are missing. */
function updateReadme(readme, sections) {
	let text = readme;
	for (const [id, body] of Object.entries(sections)) {
		const { start, end } = markers(id);
		const from = text.indexOf(start);
		const to = text.indexOf(end);
		if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} markers`);
		text = `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
	}
	return text;
}

module.exports = {
	RECEIVED_AT_PLACEHOLDER,
	markers,
	typeName,
	fieldRows,
	exampleItem,
	renderProvider,
	renderItem,
	renderAll,
	readSection,
	updateReadme,
};

/**
 * The page a browser shows after opening a trigger's Test URL while the editor listens for a test
 * event: which sample was sent, and links to the sample of every other event.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

export interface SamplePageInput {
	/** The sender's name: BuzzBip, GitHub, … */
	sender: string;
	/** The trigger node's name on the canvas. */
	nodeName: string;
	/** The event sent, or undefined when the one asked for is unknown (nothing was sent). */
	sent?: { value: string; name: string };
	/** Why nothing was sent (an unknown `?event=`), when nothing was. */
	problem?: string;
	/** Every event a sample can be had for. */
	events: Array<{ value: string; name: string }>;
	/** The events the Events parameter selects (empty: all). */
	selected: string[];
}

const STYLE =
	'body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}code{background:#f2f2f2;padding:0 .25em;border-radius:3px}li{margin:.2rem 0}.note{color:#555}';

function eventLabel(event: { value: string; name: string }): string {
	return event.name === event.value ? `<code>${escapeHtml(event.value)}</code>` : `${escapeHtml(event.name)} (<code>${escapeHtml(event.value)}</code>)`;
}

export function samplePage(input: SamplePageInput): string {
	const sender = escapeHtml(input.sender);
	const node = escapeHtml(input.nodeName);
	const ignored = (value: string) => input.selected.length > 0 && !input.selected.includes(value);
	const heading = input.sent ? `Sample ${sender} event sent to n8n` : `No sample sent`;
	const lead = input.sent
		? `<p>n8n received a sample ${eventLabel(input.sent)} event, built from ${sender}'s documented example, as the test event of the node <b>${node}</b>. ` +
			`Go back to n8n: the node's output shows it, marked <code>sample: true</code>, and the next node can map its fields.</p>` +
			(ignored(input.sent.value) ? `<p class="note">The node's Events parameter does not select this event: a real one would be answered 200 and start nothing.</p>` : '') +
			`<p class="note">A sample is sent only to the Test URL, only while n8n listens for a test event. It is not signed, not checked against the credential and not remembered by the deduplication. The Production URL never sends one.</p>`
		: `<p>${escapeHtml(input.problem ?? '')} n8n is still listening for a test event${input.events.length ? ': open one of the links below' : ''}.</p>`;
	const links = input.events
		.map((event) => `<li><a href="?event=${encodeURIComponent(event.value)}">${eventLabel(event)}</a>${ignored(event.value) ? ' <span class="note">(not selected in Events)</span>' : ''}</li>`)
		.join('');
	const again = input.sent ? `<p>For a sample of another event, click <b>Listen for test event</b> in n8n again, then open one of these links:</p>` : '';
	return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${heading}</title><style>${STYLE}</style></head><body><h1>${heading}</h1>${lead}${again}<ul>${links}</ul></body></html>`;
}

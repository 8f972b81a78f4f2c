import type { SampleRandom } from './SampleRandom'

/**
 * Word lists and sentence shapes for sample chats. Messages 25, 75, 125… of every conversation carry
 * one of `SAMPLE_MARKER_WORDS` (words that appear nowhere else), cycling through the list from the
 * conversation's index, so a search for them has known answers at any size (see `sampleMarker`).
 */

export const SAMPLE_PEOPLE = [
  'Alex Chen', 'Priya Patel', 'Mum', 'Dad', 'Sam Okafor', 'Lena Müller', 'Jonas Berg', 'Maya Rossi',
  'Tomás García', 'Aiko Tanaka', 'Noah Williams', 'Fatima Zahra', 'Olivia Brown', 'Lucas Martin',
  'Grandma Rose', 'Ingrid Olsen', 'Ravi Kumar', 'Chloé Dubois', 'Ethan Clarke', 'Sofia Novak',
] as const

export const SAMPLE_GROUPS = [
  'Family', 'Book club', 'Climbing crew', 'Flat 4B', 'Weekend football', 'Project Lighthouse team',
  'Wedding planning', 'Garden allotment', 'Choir', 'Uni friends', 'Road trip 🚐', 'Parents of class 3',
] as const

/** Words found only in sample messages that were given them: searching one finds exactly those. */
export const SAMPLE_MARKER_WORDS = ['pineapple', 'saxophone', 'origami', 'zeppelin', 'marmalade'] as const

const PLACES = ['the station', 'the park', 'the café on the corner', 'the library', 'the beach', 'the market', 'the gym', 'the office', 'the airport', 'the museum', 'the bakery', 'the old bridge']
const THINGS = ['tickets', 'keys', 'umbrella', 'charger', 'book', 'photos', 'receipt', 'jacket', 'recipe', 'map', 'camera', 'bike lights']
const FOOD = ['pizza', 'curry', 'sushi', 'pancakes', 'soup', 'tacos', 'lasagne', 'dumplings', 'salad', 'ramen']
const TIMES = ['at six', 'tomorrow morning', 'after lunch', 'on Saturday', 'tonight', 'next week', 'around eight', 'on Friday evening']
const ACTIVITIES = ['a walk', 'a swim', 'the film', 'the concert', 'a run', 'the game', 'coffee', 'the exhibition', 'a bike ride', 'dinner']
const FEELINGS = ['great', 'exhausting', 'lovely', 'a bit chaotic', 'so much fun', 'long', 'perfect', 'surprisingly quiet']
const REPLIES = ['Sounds good!', 'On my way', 'Haha yes', 'Thank you 🙏', 'Ok, see you then', 'No worries', 'Love it', 'Can’t wait!', 'Perfect 👍', 'Let me check', 'Miss you!', 'Good night 🌙', '😂😂', 'Sure', 'Yes please']

const TEMPLATES: ((r: SampleRandom) => string)[] = [
  (r) => `Are we still on for ${r.pick(ACTIVITIES)} ${r.pick(TIMES)}?`,
  (r) => `I left my ${r.pick(THINGS)} at ${r.pick(PLACES)}, can you check if it is still there?`,
  (r) => `Meet you at ${r.pick(PLACES)} ${r.pick(TIMES)}.`,
  (r) => `Shall we get ${r.pick(FOOD)} ${r.pick(TIMES)}? I can book a table.`,
  (r) => `Today was ${r.pick(FEELINGS)}. How was yours?`,
  (r) => `Running about ten minutes late, sorry! Traffic near ${r.pick(PLACES)} is terrible.`,
  (r) => `Did you remember the ${r.pick(THINGS)}?`,
  (r) => `I just tried the new ${r.pick(FOOD)} place near ${r.pick(PLACES)} and it was ${r.pick(FEELINGS)}.`,
  (r) => `Happy birthday!! 🎉 Hope you have a ${r.pick(['wonderful', 'brilliant', 'relaxing'])} day.`,
  (r) => `Can you send me the ${r.pick(THINGS)} from last time?`,
  (r) => `The ${r.pick(ACTIVITIES).replace(/^(a|the) /, '')} ${r.pick(TIMES)} is cancelled, the weather looks awful.`,
  (r) => `Here is the plan: first ${r.pick(ACTIVITIES)}, then ${r.pick(FOOD)}, and home by ten.`,
  (r) => `Thanks for ${r.pick(['yesterday', 'the lift', 'dinner', 'the help', 'lending me the book'])}, really appreciated it.`,
  (r) => `Quick question: do you know if ${r.pick(PLACES)} is open ${r.pick(TIMES)}?`,
  (r) => `I found your ${r.pick(THINGS)} in my bag 😅`,
  (r) => `Just landed, will call you ${r.pick(TIMES)}.`,
  (r) => `Reminder: bring the ${r.pick(THINGS)} ${r.pick(TIMES)}.`,
  (r) => `What do you think about ${r.pick(ACTIVITIES)} ${r.pick(TIMES)} instead? ${r.pick(['Less crowded.', 'Cheaper too.', 'The forecast is better.'])}`,
]

/** One chat message: usually a sentence or two, sometimes a short reply. */
export function sampleSentence(random: SampleRandom): string {
  if (random.chance(0.3)) return random.pick(REPLIES)
  let text = random.pick(TEMPLATES)(random)
  if (random.chance(0.25)) text += ' ' + random.pick(TEMPLATES)(random)
  return text
}

/** The marker word message `index` of conversation `conversation` carries, if any. */
export function sampleMarker(conversation: number, index: number): string | undefined {
  if (index % 50 !== 25) return undefined
  return SAMPLE_MARKER_WORDS[(conversation + Math.floor(index / 50)) % SAMPLE_MARKER_WORDS.length]
}

export interface SampleFileKind {
  name: string
  type: string
  min: number
  max: number
}

const KiB = 1024
const MiB = 1024 * KiB

export const SAMPLE_FILE_KINDS: readonly SampleFileKind[] = [
  { name: 'Quarterly report.pdf', type: 'application/pdf', min: 80 * KiB, max: 6 * MiB },
  { name: 'Holiday video.mp4', type: 'video/mp4', min: 4 * MiB, max: 48 * MiB },
  { name: 'Voice message.m4a', type: 'audio/mp4', min: 30 * KiB, max: 1 * MiB },
  { name: 'Slides.pptx', type: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', min: 500 * KiB, max: 20 * MiB },
  { name: 'Budget.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', min: 20 * KiB, max: 2 * MiB },
  { name: 'Photos.zip', type: 'application/zip', min: 2 * MiB, max: 64 * MiB },
  { name: 'Boarding pass.pdf', type: 'application/pdf', min: 40 * KiB, max: 400 * KiB },
]

/** Photo sizes, width × height: the encoded PNG is about 3 bytes a pixel. */
export const SAMPLE_PHOTO_SIZES: readonly (readonly [number, number])[] = [
  [480, 360], [640, 480], [800, 600], [1024, 768], [600, 800],
]

/**
 * Names and phones for the synthetic city. Every place, person and phone is fictional: place
 * names are two or three characters drawn from a fixed pool, people are 示例/演示/样例 as in the
 * demo, mobiles 138-xxxx-xxxx and landlines 0571-00xx-xxxx counted up from one. Pure.
 */
const POOL = [
  ...'安宝滨波昌潮辰成澄春翠丹德东芳丰凤福港高广桂海禾和河鹤弘虹湖华环汇惠吉佳嘉建江金锦景静九居康兰蓝朗乐丽莲良林临柳龙鹿罗梅美明南宁平浦祺千青清庆秋泉瑞润山善尚胜盛石书水顺松泰桃天亭通同万望文西溪霞祥翔新鑫星兴秀旭雅扬阳耀怡益银英迎永友宇玉元园月云泽长振正芝中舟竹紫',
]
const P = POOL.length

function coprimeStep(modulus: number, seed: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))
  let step = (Math.floor(modulus * 0.618) + seed * 7919) % modulus || 1
  while (gcd(step, modulus) !== 1) step++
  return step
}

/**
 * The `index`-th place name of a family (`salt` keeps sub-districts, communities and streets from
 * looking alike): distinct for distinct indexes, two characters while they last, then three.
 */
export function placeName(index: number, salt: number): string {
  const two = P * P
  if (index < two) {
    const k = (index * coprimeStep(two, salt) + salt * 101) % two
    return POOL[Math.floor(k / P)]! + POOL[k % P]!
  }
  const three = two * P
  const k = ((index - two) * coprimeStep(three, salt) + salt * 103) % three
  return POOL[Math.floor(k / two)]! + POOL[Math.floor(k / P) % P]! + POOL[k % P]!
}

const STREET_ENDINGS = /(大道|[东南西北中]路|河下|路|街|巷|弄)$/

/** A street's new name keeps the kind of its template's ending (路, 北路, 巷, 弄 …). */
export function streetName(templateName: string, index: number): string {
  return placeName(index, 3) + (STREET_ENDINGS.exec(templateName)?.[1] ?? '路')
}

const pad4 = (value: number) => String(value).padStart(4, '0')

/** The n-th mobile (n ≥ 1): 138-0000-0001 … 138-9999-9999. */
export const mobile = (n: number) => `138-${pad4(Math.floor(n / 10_000))}-${pad4(n % 10_000)}`

/** The n-th landline (n ≥ 1) in a block of 0571-00bb-xxxx (block 0–99). */
export const landline = (block: number, n: number) => `0571-${pad4(block * 100 + Math.floor(n / 10_000))}-${pad4(n % 10_000)}`

const surnames = [...'张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文']
const givenNames = ['示例', '演示', '样例']

/** Hands out fictional people, each with a phone of their own. */
export class CityPeople {
  private next = 0

  person(title: string, role: string): { name: string; phone: string; title: string; role: string } {
    const index = this.next++
    const surname = surnames[index % surnames.length]!
    const given = givenNames[Math.floor(index / surnames.length) % givenNames.length]!
    const round = Math.floor(index / (surnames.length * givenNames.length))
    return { name: `${surname}${given}${round ? round + 1 : ''}`, phone: mobile(index + 1), title, role }
  }
}

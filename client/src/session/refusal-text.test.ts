import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/client.js'
import { translator } from '../i18n/i18n.js'
import { refusalText, signInErrorText } from './refusal-text.js'

const zh = translator('zh')
const en = translator('en')

describe('what a refusal says to the person refused', () => {
  it('names the permission a 403 forbidden needed, with what it is for, in Chinese', () => {
    const error = new ApiError(403, 'forbidden', 'POST /api/zones needs the permission zones.edit; viewer has the roles viewer', { permission: 'zones.edit', roles_with_it: ['planner'] })
    expect(refusalText(error, zh)).toBe('无权执行此操作（需要权限 zones.edit：绘制、修改和删除区域）')
    expect(refusalText(error, en)).toBe('You may not do this (it needs the permission zones.edit: draw, change and delete zones)')
  })

  it("says out of scope first, then the server's reason", () => {
    const error = new ApiError(403, 'out_of_scope', 'zone 330105003002 is outside your jurisdiction 武林门社区', null)
    expect(refusalText(error, zh)).toBe('超出您的管辖范围：zone 330105003002 is outside your jurisdiction 武林门社区')
  })

  it('leaves every other error to the usual description', () => {
    expect(refusalText(new ApiError(409, 'version_conflict', 'stale', null), zh)).toBeNull()
  })
})

describe('what a failed sign-in says', () => {
  it('a wrong login or password', () => {
    expect(signInErrorText(new ApiError(401, 'invalid_credentials', 'The login or the password is wrong', null), zh, 'zh-CN')).toBe('账号或密码错误')
  })

  it('a locked account, with the time it unlocks in local time', () => {
    const until = '2026-12-02T04:30:00.000Z'
    const text = signInErrorText(new ApiError(423, 'account_locked', 'locked', { locked_until: until }), zh, 'zh-CN')
    expect(text.startsWith('登录失败次数过多，账户已锁定，解锁时间：')).toBe(true)
    expect(text).toContain(new Date(until).toLocaleString('zh-CN'))
  })

  it('an ended session, and an unknown code with the server words', () => {
    expect(signInErrorText(new ApiError(401, 'session_expired', 'ended', null), zh, 'zh-CN')).toBe('会话已过期（长时间未操作或超过时限），请重新登录')
    expect(signInErrorText(new ApiError(429, 'too_many_requests', 'Too many sign-ins from this address', null), zh, 'zh-CN')).toBe('无法登录：Too many sign-ins from this address')
  })
})

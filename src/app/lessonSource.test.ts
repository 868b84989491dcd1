import { describe, expect, it } from 'vitest';
import type { Lesson } from '../lessons/types';
import { LESSONS } from './lessons';
import { lazyLessons, opensLesson } from './lessonSource';

describe('lessons loaded on demand', () => {
  it('loads once however many ask, and says nothing is loaded before', async () => {
    let imports = 0;
    const source = lazyLessons(async () => (imports++, LESSONS));
    expect(source.current()).toBeNull();
    const [a, b] = await Promise.all([source.load(), source.load()]);
    expect(a).toBe(LESSONS);
    expect(b).toBe(LESSONS);
    expect(source.current()).toBe(LESSONS);
    await source.load();
    expect(imports).toBe(1);
  });

  it('a failed load can be tried again', async () => {
    let attempts = 0;
    const source = lazyLessons(async (): Promise<readonly Lesson[]> => {
      attempts++;
      if (attempts === 1) throw new Error('chunk failed to load');
      return LESSONS;
    });
    await expect(source.load()).rejects.toThrow('chunk failed to load');
    expect(source.current()).toBeNull();
    await expect(source.load()).resolves.toBe(LESSONS);
    expect(attempts).toBe(2);
  });

  it('the app default imports the bundled lessons', async () => {
    const lessons = await lazyLessons().load();
    expect(lessons.map((l) => l.id)).toEqual(LESSONS.map((l) => l.id));
  });

  it('knows which links open one lesson (they need the lessons to be read)', () => {
    expect(opensLesson('#/lessons/03-across-nodes/2')).toBe(true);
    expect(opensLesson('#/present/03-across-nodes/1')).toBe(true);
    expect(opensLesson('#/speaker/03-across-nodes')).toBe(true);
    expect(opensLesson('#/lessons')).toBe(false);
    expect(opensLesson('#/lessons/')).toBe(false);
    expect(opensLesson('#/facts')).toBe(false);
    expect(opensLesson('#/walk?scenario=seed-policies')).toBe(false);
  });
});
